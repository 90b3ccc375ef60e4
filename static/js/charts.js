/* Thi đua charts: every element with data-charts-from="<id>" draws the chart(s) described by the JSON in the
   <script type="application/json" id="<id>"> element (Django's json_script). A description is
   {title, type: "line"|"bar", labels, unit, integer, datasets: [{label, data, dashed}]} or a list of them. */
(function () {
  "use strict";
  var palette = ["#a61b1b", "#1f5fa8", "#2e8b57", "#d98c00", "#6f42c1", "#17a2b8", "#6c757d"];
  var numberFormat = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });

  function format(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    return numberFormat.format(value) + (unit === "%" ? "%" : unit ? " " + unit : "");
  }

  function draw(container, spec, index) {
    var column = document.createElement("div");
    column.className = spec.type === "bar" ? "col-12" : "col-12 col-lg-6";
    var card = document.createElement("figure");
    card.className = "border rounded bg-white p-2 m-0";
    var caption = document.createElement("figcaption");
    caption.className = "small fw-semibold mb-1";
    caption.textContent = spec.title;
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", spec.title);
    canvas.height = spec.type === "bar" ? 110 : 180;
    card.appendChild(caption);
    if (spec.horizontal) {
      /* one row of 22 px per bar whatever the screen's width: a fixed-height box, the chart filling it */
      var box = document.createElement("div");
      box.style.position = "relative";
      box.style.height = (22 * spec.labels.length + 70) + "px";
      box.appendChild(canvas);
      card.appendChild(box);
    } else {
      card.appendChild(canvas);
    }
    column.appendChild(card);
    container.appendChild(column);
    var datasets = spec.datasets.map(function (dataset, i) {
      var colour = dataset.dashed ? "#198754" : palette[(i + index) % palette.length];
      return {
        label: dataset.label, data: dataset.data, borderColor: colour, backgroundColor: colour,
        borderDash: dataset.dashed ? [6, 4] : [], pointRadius: dataset.dashed ? 0 : 3, spanGaps: false,
        fill: false, tension: 0
      };
    });
    /* spec.horizontal: bars along x, one row per label (a ranking list's names read across) */
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, ticks: { callback: function (v) { return format(v, spec.unit); } } };
    /* spec.integer: counts (how many answered "Có"), whole-number ticks only */
    if (spec.integer) { scales[valueAxis].ticks.precision = 0; }
    new window.Chart(canvas, {
      type: spec.type || "line",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: !spec.horizontal,
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: {
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + format(ctx.parsed[valueAxis], spec.unit); } } },
          legend: { position: "bottom" }
        }
      }
    });
  }

  function init() {
    if (!window.Chart) { return; }
    document.querySelectorAll("[data-charts-from]").forEach(function (container) {
      var source = document.getElementById(container.getAttribute("data-charts-from"));
      if (!source) { return; }
      var specs = JSON.parse(source.textContent);
      if (!Array.isArray(specs)) { specs = [specs]; }
      if (!specs.length) {
        container.innerHTML = '<p class="text-muted">Chưa có dữ liệu để vẽ biểu đồ.</p>';
        return;
      }
      specs.forEach(function (spec, index) { draw(container, spec, index); });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
