// Plan rules editor (templates/awards/plan_rules_*.html): add formset rows from their <template>, and keep the
// running total of the criteria's maximum points up to date while typing. The page works without it: the server
// shows the total and a blank row after each save.
(() => {
  const format = (value) => value.toLocaleString("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const number = (text) => {
    const value = parseFloat(String(text || "").replace(",", "."));
    return Number.isFinite(value) ? value : 0;
  };

  document.querySelectorAll("[data-formset-add]").forEach((button) => {
    const prefix = button.dataset.formsetAdd;
    const template = document.getElementById(`${prefix}-empty`);
    const rows = document.querySelector(`[data-formset-rows="${prefix}"]`);
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    if (!template || !rows || !total) return;
    button.classList.remove("d-none");
    button.addEventListener("click", () => {
      const index = Number(total.value);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const added = rows.lastElementChild;
      const order = added && added.querySelector("input[name$='-order']");
      if (order) {
        // Number the new row after the last one, as the server does for its blank row.
        const orders = [...rows.querySelectorAll("input[name$='-order']")].filter((input) => input !== order)
          .map((input) => number(input.value));
        order.value = String(Math.max(0, ...orders) + 1);
      }
      const first = added && added.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });

  // The criteria editor's rows are <details>: open or close them all at once.
  document.querySelectorAll("[data-details-toggle]").forEach((button) => {
    button.classList.remove("d-none");
    button.addEventListener("click", () => {
      const open = button.dataset.detailsToggle === "open";
      document.querySelectorAll("details[data-formset-row]").forEach((row) => { row.open = open; });
    });
  });

  const box = document.querySelector("[data-points-total]");
  if (!box) return;
  const planTotal = number(box.dataset.planTotal);
  const sum = box.querySelector("[data-points-sum]");
  const gap = box.querySelector("[data-points-gap]");
  const refresh = () => {
    let points = 0;
    document.querySelectorAll("[data-formset-row]").forEach((row) => {
      const input = row.querySelector("input[name$='-max_points']");
      const remove = row.querySelector("input[name$='-DELETE']");
      if (input && !(remove && remove.checked)) points += number(input.value);
    });
    points = Math.round(points * 100) / 100;
    sum.textContent = format(points);
    const diff = Math.round((planTotal - points) * 100) / 100;
    const badge = document.createElement("span");
    if (diff === 0) {
      badge.className = "badge text-bg-success";
      badge.textContent = "Đủ điểm";
    } else if (diff > 0) {
      badge.className = "badge text-bg-warning";
      badge.textContent = `Còn thiếu ${format(diff)}`;
    } else {
      badge.className = "badge text-bg-danger";
      badge.textContent = `Vượt ${format(-diff)}`;
    }
    gap.replaceChildren(badge);
  };
  document.addEventListener("input", (event) => {
    if (event.target.matches("input[name$='-max_points']")) refresh();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("input[name$='-DELETE']")) refresh();
  });
})();
