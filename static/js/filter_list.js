/* A search box over a list of checkboxes ([data-filter-list]): without JavaScript the
   search is a GET form and the server lists the matches; with it, the list filters as
   one types and a search never reloads the page (so nothing ticked is lost). A ticked
   box always stays in view. The text searched is in each label's data-search, written by
   the server in the same normal form as the query below (institutions.names.search_key:
   NFKC, no spaces, lower case, katakana as hiragana). */
(function () {
  "use strict";
  function key(text) {
    var normal = (text || "").normalize("NFKC").replace(/[\s\u3000]+/g, "").toLowerCase();
    return normal.replace(/[\u30a1-\u30f6]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0x60);
    });
  }
  function apply(list, input) {
    var query = key(input.value);
    var anyShown = false;
    list.querySelectorAll("[data-filter-group]").forEach(function (group) {
      var groupShown = false;
      group.querySelectorAll("label[data-search]").forEach(function (label) {
        var box = label.querySelector("input[type=checkbox]");
        var shown = (box && box.checked) || !query || label.getAttribute("data-search").indexOf(query) !== -1;
        label.hidden = !shown;
        groupShown = groupShown || shown;
      });
      group.hidden = !groupShown;
      anyShown = anyShown || groupShown;
    });
    var empty = list.querySelector("[data-filter-empty]");
    if (empty) { empty.hidden = anyShown; }
  }
  document.querySelectorAll("[data-filter-list]").forEach(function (list) {
    var input = list.querySelector("[data-filter-input]");
    if (!input) { return; }
    input.addEventListener("input", function () { apply(list, input); });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        event.preventDefault();
        apply(list, input);
      });
    }
  });
})();
