// Keyboard grading for grader serve: digits toggle criteria, Enter saves, j/k move, s skips,
// f flags, ? opens the help. Self-hosted, no inline script (the CSP forbids it), and the pages
// work without it: every key has a button or a link.
(function () {
  "use strict";
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" && target.type !== "checkbox" || tag === "TEXTAREA" || tag === "SELECT";
  }
  function activate(el) {
    if (!el) return false;
    if (el.tagName === "A") { window.location.href = el.href; } else { el.click(); }
    return true;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return; // Enter in a text field submits its form natively
    }
    var key = event.key;
    if (/^[0-9]$/.test(key)) {
      var box = document.querySelector('input[data-digit="' + key + '"]');
      if (box) { box.checked = !box.checked; event.preventDefault(); }
      return;
    }
    if (key === "?") {
      var help = document.getElementById("help");
      if (help) { help.open = !help.open; event.preventDefault(); }
      return;
    }
    var target = document.querySelector('[data-key="' + key + '"]');
    if (target && activate(target)) event.preventDefault();
  });
})();
