// Row actions loaded on demand (the day page's rows; the auto-scheduler review's
// proposals): a row's choices (move, change employee, trade) are loaded from the server
// the first time its "Change" disclosure is opened, so the page itself stays small.
// Without JavaScript the row keeps a link to a page with the same forms; if loading
// fails, that link stays and says so. Opening a row closes the row opened before.
(function () {
  "use strict";
  function load(details) {
    var slot = details.querySelector(".action-choices");
    var url = details.getAttribute("data-fragment");
    if (!slot || !url || details.getAttribute("data-loaded")) { return; }
    details.setAttribute("data-loaded", "loading");
    slot.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var hadFocus = slot.contains(document.activeElement);
        slot.innerHTML = html;
        details.setAttribute("data-loaded", "yes");
        if (hadFocus) {
          var first = slot.querySelector("input:not([type=hidden]), select, button");
          if (first) { first.focus(); }
        }
      })
      .catch(function () {
        details.removeAttribute("data-loaded");
        var note = document.createElement("small");
        note.className = "muted block";
        note.textContent = "Could not load the choices here; the link opens them on a page of their own.";
        if (!slot.querySelector("small")) { slot.appendChild(note); }
      })
      .then(function () { slot.removeAttribute("aria-busy"); });
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details.row-actions") && details.open) {
      // One row's actions open at a time: their box lies over the rows below it.
      document.querySelectorAll("details.row-actions[open]").forEach(function (other) {
        if (other !== details) { other.open = false; }
      });
      load(details);
    }
  }, true);
  document.querySelectorAll("details.row-actions[open]").forEach(load);
})();
