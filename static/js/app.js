// Behaviour shared by every page, kept out of the templates (Content-Security-Policy).
(function () {
  "use strict";
  // A form with data-confirm asks before it is sent (Unschedule, …).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
