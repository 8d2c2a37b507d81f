// Show only the fields that apply to the chosen kind of customer. Fields of the
// other kind are hidden AND disabled, so what they held is not sent (the server
// ignores them too). Without JavaScript every field stays visible and usable.
(function () {
  "use strict";
  var form = document.querySelector("[data-kind-form]");
  if (!form) return;
  var kind = form.querySelector("[name=kind]");
  if (!kind) return;
  function apply() {
    form.querySelectorAll("[data-scope]").forEach(function (el) {
      var applies = el.getAttribute("data-scope") === kind.value;
      el.hidden = !applies;
      el.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !applies;
      });
    });
  }
  kind.addEventListener("change", apply);
  apply();
})();
