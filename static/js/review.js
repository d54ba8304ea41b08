// Keyboard shortcuts for the review queue. Every action is also a plain button or link.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".review-row"));
  if (!rows.length) return;
  var current = -1;

  function focusRow(index) {
    if (index < 0 || index >= rows.length) return;
    rows.forEach(function (row) { row.classList.remove("review-current"); });
    current = index;
    rows[index].classList.add("review-current");
    rows[index].focus();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.tagName === "INPUT" && target.type === "text") {
      if (event.key === "Escape") { target.blur(); focusRow(Math.max(current, 0)); }
      return;
    }
    if (target.tagName === "SELECT" || target.tagName === "TEXTAREA") return;
    var row = rows[current];
    if (event.key === "j") { focusRow(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focusRow(current - 1); event.preventDefault(); }
    else if (row && event.key === "x") { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; event.preventDefault(); }
    else if (row && ["v", "r", "d", "e"].indexOf(event.key) >= 0) {
      var action = row.querySelector("[data-key=" + event.key + "]");
      if (event.key === "d") {
        var note = row.querySelector("input[type=text]");
        if (!note.value.trim()) { note.focus(); event.preventDefault(); return; }
      }
      event.preventDefault();
      action.click();
    }
  });
  focusRow(0);
})();
