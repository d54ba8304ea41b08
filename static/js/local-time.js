// "Opens Thu 08:00 MST" is in the company's time; a visitor elsewhere reads it in their own.
// Without this script the zone's abbreviation still says whose clock it is.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var mine = new Intl.DateTimeFormat(undefined, {weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
  var offset = new Date().getTimezoneOffset();
  document.querySelectorAll("time.opens-at").forEach(function (node) {
    var when = new Date(node.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    var theirs = node.getAttribute("datetime").match(/([+-])(\d\d):(\d\d)$/);
    var theirOffset = theirs ? -(theirs[1] === "-" ? -1 : 1) * (parseInt(theirs[2], 10) * 60 + parseInt(theirs[3], 10)) : 0;
    if (theirOffset === offset) return;  // the visitor shares the company's clock
    node.title = node.textContent;
    node.textContent = "Opens " + mine.format(when).replace(",", "") + " your time";
  });
})();
