/* The import page while the system checks or applies a file: poll the job's progress
   and show it; when the job ends, reload the page, which then shows the outcome. */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        document.getElementById("import-processed").textContent = data.processed_rows;
        document.getElementById("import-total").textContent = data.total_rows;
        document.getElementById("import-state").textContent = data.state_label;
        if (data.running) { window.setTimeout(poll, 1000); } else { window.location.assign(data.url); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
