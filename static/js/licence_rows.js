/* The report form's licence rows: "add a row" clones the formset's empty form (a
   <template> holding Django's empty_form with __prefix__) as a new row, and counts it in
   the management form, so rows can be added without saving first. Without JavaScript
   the form still has one blank row; saving gives another. */
(function () {
  "use strict";
  var button = document.getElementById("add-licence-row");
  var template = document.getElementById("licence-empty-row");
  var rows = document.getElementById("licence-rows");
  if (!button || !template || !rows) { return; }
  var prefix = button.dataset.formset;
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var maximum = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (maximum && index >= parseInt(maximum.value, 10)) { return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html;
    var row = holder.querySelector("tr");
    rows.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input[type=text], input:not([type])");
    if (first) { first.focus(); }
  });
})();
