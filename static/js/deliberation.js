/* Deliberation at 1280 px: each criterion shows its joint score; the two ministries'
   means fold away (a button brings them back, aria-pressed says which). Without
   JavaScript every column shows and the table scrolls inside its frame. */
(function () {
  "use strict";
  var table = document.getElementById("deliberation-table");
  var button = document.getElementById("show-ministry-means");
  if (!table || !button) { return; }
  function show(shown) {
    table.classList.toggle("ministries-folded", !shown);
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    table.querySelectorAll("thead th.criterion").forEach(function (th) {
      th.colSpan = shown ? 3 : 1;
    });
  }
  button.hidden = false;
  show(false);
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-pressed") !== "true");
  });
})();
