// Live progress of a background job (an auto-scheduler run, a CSV import, a paperwork
// packet): polls the `data-url` of the #run-progress box, updates its <progress> bar and
// its [data-progress-text] ("N of M <data-unit>", after the job's stage when the
// endpoint names one), and reloads the page once the job has finished.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var url = box.getAttribute("data-url");
  var unit = box.getAttribute("data-unit") || "steps";
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = Math.max(data.total, 1);
        bar.value = data.done;
        var counts = data.done + " of " + data.total + " " + unit + " (" + data.percent + "%)";
        text.textContent = data.stage ? data.stage + ": " + counts : counts;
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
