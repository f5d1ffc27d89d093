/* "Select all" / "Select none" on lists of institutions to tick (collection round, review
   cycle): each button ticks or unticks every checkbox of its nearest [data-tick-scope]
   (the whole list, one kind, or one region). Without JavaScript the buttons stay hidden.

   The collection round's "tick all of these" / "untick all of these" (button[name=pick])
   post the form without JavaScript (the server changes the ticks and saves nothing);
   with it they tick the boxes whose data-region and data-group match the two selects,
   in the page. A [data-count-template] line says how many boxes are ticked. */
(function () {
  "use strict";
  document.querySelectorAll(".tick-tools").forEach(function (tools) { tools.hidden = false; });

  function updateCount(scope) {
    var line = document.querySelector("[data-count-template]");
    if (!line || !scope) { return; }
    var count = scope.querySelectorAll("input[type=checkbox]:checked").length;
    line.textContent = line.getAttribute("data-count-template").replace("__count__", count);
  }

  function outerScope(element) {
    var scope = element.closest("[data-tick-scope]");
    while (scope && scope.parentElement && scope.parentElement.closest("[data-tick-scope]")) {
      scope = scope.parentElement.closest("[data-tick-scope]");
    }
    return scope;
  }

  document.addEventListener("click", function (event) {
    var pick = event.target.closest("button[name=pick]");
    if (pick) {
      var picker = pick.closest("fieldset");
      var region = picker.querySelector("select[name=pick_region]").value;
      var group = picker.querySelector("select[name=pick_group]").value;
      var all = outerScope(pick);
      if (!all) { return; }
      event.preventDefault();
      all.querySelectorAll("input[type=checkbox][data-region]").forEach(function (box) {
        var match = (!region || box.getAttribute("data-region") === region) &&
          (!group || box.getAttribute("data-group") === group);
        if (match && !box.disabled) { box.checked = pick.value === "add"; }
      });
      updateCount(all);
      return;
    }
    var button = event.target.closest("button[data-tick]");
    if (!button) { return; }
    var scope = button.closest("[data-tick-scope]");
    if (!scope) { return; }
    var checked = button.getAttribute("data-tick") === "all";
    scope.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (!box.disabled) { box.checked = checked; }
    });
    updateCount(outerScope(button));
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox]")) { updateCount(outerScope(event.target)); }
  });
})();
