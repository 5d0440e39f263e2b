// Region picker, enhanced: the one <select data-region-picker> the server renders (usable
// without JavaScript) becomes a cascade province → city → county. The tree is read from that
// select itself: options in document order, one ideographic space of indent per step down.
// The original select stays in the form, hidden, and carries the value that is posted.
// Each picker brings this script along, so a page with two of them runs it once.
(function () {
  "use strict";
  if (window.sunshineRegionPicker) return;
  window.sunshineRegionPicker = true;
  var INDENT = "\u3000";

  function tree(select) {
    var root = { code: "", children: [] };
    var stack = [root];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      var text = option.text;
      var depth = 0;
      while (text.charAt(depth) === INDENT) depth++;
      var node = { code: option.value, name: text.slice(depth), children: [], parent: null };
      stack.length = depth + 1;
      node.parent = stack[depth];
      node.parent.children.push(node);
      stack.push(node);
    });
    return root;
  }

  function enhance(select) {
    var root = tree(select);
    var byCode = {};
    (function index(node) {
      node.children.forEach(function (child) { byCode[child.code] = child; index(child); });
    })(root);
    var label = select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "";
    var blank = select.options[0] && !select.options[0].value ? select.options[0].text : "";
    var steps = [];
    var box = document.createElement("span");
    box.className = "region-cascade";
    select.parentNode.insertBefore(box, select.nextSibling);

    function fill(step, parent, chosen) {
      var s = steps[step];
      while (s.options.length) s.remove(0);
      s.add(new Option(step === 0 ? blank : "—", ""));
      parent.children.forEach(function (child) {
        s.add(new Option(child.name, child.code, false, child === chosen));
      });
      s.hidden = parent.children.length === 0;
    }

    function show(node) {
      // node: the region now chosen, or null; every step below it is refilled
      var chain = [];
      for (var n = node; n && n !== root; n = n.parent) chain.unshift(n);
      var parent = root;
      for (var i = 0; i < steps.length; i++) {
        fill(i, parent, chain[i] || null);
        if (!chain[i]) {
          for (var j = i + 1; j < steps.length; j++) steps[j].hidden = true;
          break;
        }
        parent = chain[i];
      }
      select.value = node ? node.code : "";
    }

    var depth = 0;
    (function measure(node, d) {
      if (d > depth) depth = d;
      node.children.forEach(function (child) { measure(child, d + 1); });
    })(root, 0);
    for (var i = 0; i < depth; i++) {
      var step = document.createElement("select");
      step.setAttribute("aria-label", label + " (" + (i + 1) + "/" + depth + ")");
      step.addEventListener("change", function (event) {
        var s = event.target;
        var index = steps.indexOf(s);
        var code = s.value;
        show(code ? byCode[code] : index > 0 ? byCode[steps[index - 1].value] || null : null);
      });
      steps.push(step);
      box.appendChild(step);
    }
    if (select.required) {
      steps[0].required = true;
      select.required = false;
    }
    if (select.id) {
      // the page's <label for> now names the first step, which a person uses
      steps[0].id = select.id;
      select.removeAttribute("id");
    }
    select.hidden = true;
    show(byCode[select.value] || null);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-region-picker]"), enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
