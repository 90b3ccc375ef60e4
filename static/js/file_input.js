// The Vietnamese file control (core.widgets.VietnameseFileInput): the line beside "Chọn tệp…" names the chosen
// file(s), or says "Chưa chọn tệp". Delegated from the document, so inputs htmx swaps in work as well.
(() => {
  const update = (input) => {
    const box = input.closest('.vn-file');
    if (!box) return;
    const line = box.querySelector('.vn-file-name');
    const files = [...(input.files || [])];
    if (!files.length) line.textContent = box.dataset.noneChosen;
    else if (files.length === 1) line.textContent = 'Đã chọn: ' + files[0].name;
    else line.textContent = 'Đã chọn ' + files.length + ' tệp: ' + files.map((f) => f.name).join(', ');
  };
  document.addEventListener('change', (event) => {
    if (event.target.matches && event.target.matches('.vn-file-input')) update(event.target);
  });
  document.addEventListener('reset', (event) => {
    setTimeout(() => event.target.querySelectorAll('.vn-file-input').forEach(update));
  });
  // Back/forward cache and a form re-shown by the browser may keep a chosen file: say so.
  window.addEventListener('pageshow', () => document.querySelectorAll('.vn-file-input').forEach(update));
})();
