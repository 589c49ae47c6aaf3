// Cascading address selects: choosing a province narrows the districts, a district the
// subdistricts. Each parent <select> names its child (data-geo-child) and the URL that lists the
// child's options (data-geo-url, with CODE in place of the chosen value). No library needed.
(function () {
  "use strict";
  function clear(select) {
    if (!select) return;
    while (select.options.length > 1) select.remove(1);
    select.value = "";
    select.dispatchEvent(new Event("change"));
  }
  function wire(parent) {
    parent.addEventListener("change", function () {
      var child = document.getElementById(parent.dataset.geoChild);
      if (!child) return;
      var blank = child.options.length ? child.options[0].cloneNode(true) : new Option("---------", "");
      clear(child);
      if (!parent.value) return;
      fetch(parent.dataset.geoUrl.replace("CODE", encodeURIComponent(parent.value)), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : { options: [] }; }).then(function (data) {
        child.innerHTML = "";
        child.appendChild(blank);
        data.options.forEach(function (o) {
          var opt = new Option(o.label, o.value);
          if (o.postcode) opt.dataset.postcode = o.postcode;
          child.appendChild(opt);
        });
      });
    });
  }
  document.querySelectorAll("select[data-geo-child]").forEach(wire);
  // Fill an empty postcode field from the chosen subdistrict.
  document.querySelectorAll("select[name$='subdistrict']").forEach(function (sub) {
    sub.addEventListener("change", function () {
      var opt = sub.options[sub.selectedIndex];
      var postcode = document.getElementById(sub.id.replace(/subdistrict$/, "postcode"));
      if (postcode && opt && opt.dataset.postcode && !postcode.value) postcode.value = opt.dataset.postcode;
    });
  });
})();
