// Behaviour shared by every page, kept out of the templates (Content-Security-Policy).
(function () {
  "use strict";
  // A form with data-confirm asks before it is sent; so does every Unschedule form
  // (the day page's row actions too).
  var UNSCHEDULE = /\/schedules\/\d+\/unschedule\/$/;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.getAttribute) { return; }
    var question = form.getAttribute("data-confirm");
    if (!question && UNSCHEDULE.test(form.getAttribute("action") || "")) {
      question = "Unschedule this event? A Core event's Supervisor event is unscheduled too.";
    }
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Tables become stacked cards on phones (CSS); each cell is labelled with its column.
  document.querySelectorAll("table.table, #result_list").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (heads[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[i]); }
      });
    });
  });
})();
