/* Data entry grid: the rate as you type, Enter moves down, the history panel by keyboard, confirmations before sending
   or returning a month. */
(function () {
  "use strict";

  function formatPercent(value) {
    // Vietnamese style: 92,50%
    var fixed = (Math.round(value * 100) / 100).toFixed(2);
    var parts = fixed.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return parts[0] + "," + parts[1] + "%";
  }

  function whole(text) {
    // "1.234" is one thousand two hundred thirty-four, as scoring.figures.check_figures reads it
    return Number(/^\d{1,3}(\.\d{3})+$/.test(text) ? text.replace(/\./g, "") : text);
  }

  function updateRate(row) {
    var numerator = row.querySelector('[data-role="numerator"]');
    var denominator = row.querySelector('[data-role="denominator"]');
    var output = row.querySelector('output[data-role="rate"]');
    if (!numerator || !denominator || !output) return;
    var n = numerator.value.trim();
    var d = denominator.value.trim();
    output.classList.remove("text-danger");
    if (n === "" || d === "") { output.textContent = ""; return; }
    var num = whole(n), den = whole(d);
    if (!Number.isInteger(num) || !Number.isInteger(den) || num < 0 || den < 0) {
      output.textContent = "Không hợp lệ"; output.classList.add("text-danger"); return;
    }
    if (den === 0) { output.textContent = num === 0 ? "Không phát sinh" : "Tử số > mẫu số"; if (num) output.classList.add("text-danger"); return; }
    if (num > den) { output.textContent = "Tử số > mẫu số"; output.classList.add("text-danger"); return; }
    output.textContent = formatPercent(num * 100 / den);
  }

  function fields(cell) {
    return Array.prototype.slice.call(cell.querySelectorAll("input:not([type=hidden]), select"));
  }

  function moveVertically(input, step) {
    var cell = input.closest("td");
    var row = input.closest("tr");
    if (!cell || !row) return false;
    var column = Array.prototype.indexOf.call(row.children, cell);
    var position = fields(cell).indexOf(input);
    var target = row;
    while ((target = step > 0 ? target.nextElementSibling : target.previousElementSibling)) {
      var targetCell = target.children[column];
      var candidates = targetCell ? fields(targetCell) : [];
      if (candidates.length) {
        var next = candidates[Math.min(position, candidates.length - 1)];
        next.focus();
        if (next.select) next.select();
        return true;
      }
    }
    return false;
  }

  var grid = document.querySelector("[data-entry-grid]");
  if (grid) {
    grid.addEventListener("input", function (event) {
      var row = event.target.closest("tr");
      if (row) updateRate(row);
    });
    grid.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName === "BUTTON") return;
      if (event.target.type === "checkbox") return;
      event.preventDefault();  // Enter moves down a row instead of sending the form
      moveVertically(event.target, event.shiftKey ? -1 : 1);
    });
    grid.querySelectorAll("tbody tr").forEach(updateRate);
  }

  // The history panel: opened from a row's history button (mouse or Tab + Enter), it takes the focus so a keyboard
  // user lands in it, and Esc gives the focus back to the button that opened it.
  var panel = document.getElementById("side-panel");
  var opener = null;
  if (grid && panel) {
    grid.addEventListener("click", function (event) {
      var button = event.target.closest("[data-history]");
      if (button) opener = button;
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== panel) return;
      var heading = panel.querySelector("h2");
      if (!heading) return;
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !opener || !document.body.contains(opener)) return;
      event.preventDefault();
      opener.focus();
    });
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
