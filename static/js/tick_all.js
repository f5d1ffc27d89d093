/* "Select all" / "Select none" on lists of institutions to tick (collection round, review
   cycle): each button ticks or unticks every checkbox of its nearest [data-tick-scope]
   (the whole list, one kind, or one region). Without JavaScript the buttons stay hidden. */
(function () {
  "use strict";
  document.querySelectorAll(".tick-tools").forEach(function (tools) { tools.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-tick]");
    if (!button) { return; }
    var scope = button.closest("[data-tick-scope]");
    if (!scope) { return; }
    var checked = button.getAttribute("data-tick") === "all";
    scope.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (!box.disabled) { box.checked = checked; }
    });
  });
})();
