/* Confirmation before a workflow action (submit, accept, return, reopen, delete, close).
   A form with data-confirm="question" opens the page's <dialog id="confirm-dialog">
   instead of posting; "confirm" posts the form, "cancel" closes the dialog. Checked boxes
   with data-label (the queue's bulk acceptance) are listed in the dialog.
   Without JavaScript the forms simply post: the server checks everything again. */
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var question = dialog.querySelector("[data-question]");
  var list = dialog.querySelector("[data-items]");
  var pending = null;

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.confirmed === "yes") { return; }
      event.preventDefault();
      pending = form;
      question.textContent = form.dataset.confirm;
      list.replaceChildren();
      form.querySelectorAll("input[type=checkbox][data-label]:checked").forEach(function (box) {
        var item = document.createElement("li");
        item.textContent = box.dataset.label;
        list.appendChild(item);
      });
      list.hidden = !list.children.length;
      dialog.showModal();
    });
  });

  dialog.querySelector("[data-ok]").addEventListener("click", function () {
    if (!pending) { return; }
    pending.dataset.confirmed = "yes";
    dialog.close();
    pending.submit();
  });
  dialog.querySelector("[data-cancel]").addEventListener("click", function () {
    pending = null;
    dialog.close();
  });
})();
