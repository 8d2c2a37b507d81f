// The "reverses" field matters only for a return or a refund: hide it otherwise.
(function () {
  "use strict";
  var form = document.querySelector("[data-transaction-form]");
  if (!form) return;
  var kind = form.querySelector("#id_kind");
  var original = form.querySelector('[data-field="original"]');
  if (!kind || !original) return;
  function sync() {
    var reversing = kind.value === "return" || kind.value === "refund";
    original.hidden = !reversing;
  }
  kind.addEventListener("change", sync);
  sync();
})();
