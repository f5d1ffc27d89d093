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

  var pendingSubmitter = null;

  // A form with data-confirm asks whatever button posts it; a button with data-confirm
  // (the score form's "submit", beside "save the draft") asks only for itself.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var text = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (!text || form.dataset.confirmed === "yes") { return; }
    event.preventDefault();
    pending = form;
    pendingSubmitter = submitter;
    question.textContent = text;
    list.replaceChildren();
    form.querySelectorAll("input[type=checkbox][data-label]:checked").forEach(function (box) {
      var item = document.createElement("li");
      item.textContent = box.dataset.label;
      list.appendChild(item);
    });
    list.hidden = !list.children.length;
    dialog.showModal();
  });

  dialog.querySelector("[data-ok]").addEventListener("click", function () {
    if (!pending) { return; }
    pending.dataset.confirmed = "yes";
    dialog.close();
    // requestSubmit keeps the button's name and value (submit=1) in the post.
    if (pendingSubmitter && typeof pending.requestSubmit === "function") {
      pending.requestSubmit(pendingSubmitter);
    } else {
      pending.submit();
    }
  });
  dialog.querySelector("[data-cancel]").addEventListener("click", function () {
    pending = null;
    dialog.close();
  });
})();
