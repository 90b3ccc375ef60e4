// Tables that scroll sideways (Bootstrap's .table-responsive, and any [data-scroll-region]) are reachable by
// keyboard: a region a keyboard user can focus and scroll with the arrow keys, named after the table's caption or the
// heading above it, so a screen reader says what it holds (WCAG 2.1.1; axe-core "scrollable-region-focusable").
(() => {
  const nameOf = (box) => {
    const caption = box.querySelector('caption');
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    const table = box.querySelector('table[aria-label]');
    if (table) return table.getAttribute('aria-label');
    for (let el = box; el && el !== document.body; el = el.parentElement) {
      for (let prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
        const heading = prev.matches('h1, h2, h3, h4, h5, h6') ? prev : prev.querySelector('h1, h2, h3, h4, h5, h6');
        if (heading && heading.textContent.trim()) return heading.textContent.trim();
      }
    }
    return document.querySelector('h1') ? document.querySelector('h1').textContent.trim() : 'Bảng';
  };
  const mark = (root) => {
    root.querySelectorAll('.table-responsive, [data-scroll-region]').forEach((box) => {
      if (!box.hasAttribute('tabindex')) box.setAttribute('tabindex', '0');
      if (!box.hasAttribute('role')) box.setAttribute('role', 'region');
      if (!box.hasAttribute('aria-label') && !box.hasAttribute('aria-labelledby')) {
        box.setAttribute('aria-label', 'Bảng: ' + nameOf(box).replace(/\s+/g, ' ').slice(0, 120));
      }
    });
  };
  mark(document);
  document.addEventListener('htmx:afterSwap', (event) => mark(event.target.parentElement || document));
})();
