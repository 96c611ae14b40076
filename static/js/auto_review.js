// The auto-scheduler review page: how many proposals are selected, in the sticky bar.
(function () {
  "use strict";
  var counter = document.querySelector("[data-selection-count]");
  if (!counter) { return; }
  function boxes() {
    return document.querySelectorAll('input[type="checkbox"][name="proposal"][form="approve-form"]');
  }
  function update() {
    var n = 0;
    boxes().forEach(function (box) { if (box.checked) { n += 1; } });
    counter.textContent = n === 0 ? "None selected" : n + " selected";
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "proposal") { update(); }
  });
  update();
})();
