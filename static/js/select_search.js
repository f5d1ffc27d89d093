/* A search box before each select[data-searchable]: typing hides the options whose
   data-search (names, reading, code and aliases in institutions.names.search_key form)
   does not contain what was typed, and the region groups left empty. The chosen option
   always stays. Without JavaScript the select is a plain one. */
(function () {
  "use strict";
  function key(text) {
    var normal = (text || "").normalize("NFKC").replace(/[\s\u3000]+/g, "").toLowerCase();
    return normal.replace(/[\u30a1-\u30f6]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0x60);
    });
  }
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-search";
    input.className = "select-search";
    input.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = select.getAttribute("data-search-label") || "Search";
    var count = document.createElement("span");
    count.className = "helptext";
    count.setAttribute("aria-live", "polite");
    var box = document.createElement("span");
    box.className = "select-search-box";
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    select.parentNode.insertBefore(box, select);
    input.addEventListener("input", function () {
      var query = key(input.value);
      var shown = 0;
      select.querySelectorAll("option").forEach(function (option) {
        if (!option.value) { return; }
        var text = option.getAttribute("data-search") || key(option.textContent);
        var visible = option.selected || !query || text.indexOf(query) !== -1;
        option.hidden = !visible;
        if (visible) { shown += 1; }
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      count.textContent = query ? (select.getAttribute("data-search-count") || "{n}").replace("{n}", shown) : "";
    });
  });
})();
