/* Jundeng pages: forms posted to the API with the CSRF header, action buttons, ECharts charts and the
   district map. No inline scripts (the Content-Security-Policy forbids them): pages pass data in data-*
   attributes, and the messages in the page's language in <body data-messages>. */
(function () {
  "use strict";

  var body = document.body;
  var lang = body.getAttribute("data-lang") || "zh";
  var messages = JSON.parse(body.getAttribute("data-messages") || "{}");

  function t(key) {
    return messages[key] || key;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* Send a request to the API; resolves to {ok, status, data}. */
  function send(method, url, payload) {
    var headers = { "x-csrftoken": csrfToken(), Accept: "application/json" };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (payload instanceof FormData) {
      options.body = payload;
    } else if (payload !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = { error: { zh: text, en: text } };
        }
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  /* The message of an API error body {error: {zh, en, detail}} in the page's language. */
  function errorText(result) {
    var error = result.data && result.data.error;
    if (!error) {
      return t("failed") + " (" + result.status + ")";
    }
    var text = (lang === "en" ? error.en : error.zh) || t("failed");
    if (Array.isArray(error.detail)) {
      text += ": " + error.detail.map(function (d) { return (d.loc || []).join(".") + " " + d.msg; }).join("; ");
    }
    return text;
  }

  function show(form, text, isError) {
    var out = form.querySelector("[data-result]");
    if (out) {
      out.textContent = text;
      out.classList.toggle("error", Boolean(isError));
    }
  }

  /* The fields of a form as JSON: empty fields left out, data-number as numbers, data-list as arrays. */
  function formJson(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") {
        return;
      }
      if (el.hasAttribute("data-list")) {
        data[el.name] = data[el.name] || [];
        if (el.checked) {
          data[el.name].push(el.value);
        }
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) {
        return;
      }
      if (el.value === "") {
        return;
      }
      data[el.name] = el.hasAttribute("data-number") ? Number(el.value) : el.value;
    });
    return data;
  }

  function onJsonSubmit(event) {
    var form = event.target;
    event.preventDefault();
    show(form, t("sending"), false);
    send(form.getAttribute("data-method") || "POST", (form.getAttribute("data-api") || form.getAttribute("action")), formJson(form)).then(function (result) {
      if (!result.ok) {
        show(form, errorText(result), true);
        return;
      }
      show(form, t("saved"), false);
      if (form.hasAttribute("data-next")) {
        window.location.assign(form.getAttribute("data-next") || "/");
      } else if (form.hasAttribute("data-reload")) {
        window.location.reload();
      }
    }, function () {
      show(form, t("failed"), true);
    });
  }

  function fillList(list, items) {
    list.textContent = "";
    items.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
  }

  /* Replace the page's tables with fresh ones (after an upload, the values awaiting review). */
  function refreshTables() {
    fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      document.querySelectorAll("section.table-block[id]").forEach(function (old) {
        var found = fresh.getElementById(old.id);
        if (found) {
          old.replaceWith(document.importNode(found, true));
        }
      });
    });
  }

  function onUpload(event) {
    var form = event.target;
    event.preventDefault();
    var errors = form.querySelector("#upload-errors");
    var warnings = form.querySelector("#upload-warnings");
    fillList(errors, []);
    fillList(warnings, []);
    form.removeAttribute("data-done");
    show(form, t("sending"), false);
    var payload = new FormData(form);
    send("POST", (form.getAttribute("data-api") || form.getAttribute("action")), payload).then(function (result) {
      if (!result.ok) {
        show(form, errorText(result), true);
        form.setAttribute("data-done", "failed");
        return;
      }
      var r = result.data;
      fillList(errors, (r.messages && r.messages[lang]) || r.errors || []);
      fillList(warnings, (r.notes && r.notes[lang]) || r.warnings || []);
      var summary = t("accepted") + " " + (r.rows_valid || 0) + " · " + t("written") + " " + r.written + " · " +
        t("unchanged") + " " + r.unchanged;
      if (r.errors && r.errors.length) {
        summary = t("nothing_written") + " " + t("errors") + " " + (r.errors_total || r.errors.length);
      } else if (payload.get("dry_run")) {
        summary += " · " + t("dry_run");
      }
      show(form, summary, Boolean(r.errors && r.errors.length));
      if (!(r.errors && r.errors.length) && !payload.get("dry_run")) {
        refreshTables();
      }
      form.setAttribute("data-done", r.errors && r.errors.length ? "errors" : "ok");
    }, function () {
      show(form, t("failed"), true);
    });
  }

  function onActionClick(event) {
    var button = event.target.closest("button[data-post]");
    if (!button) {
      return;
    }
    var cell = button.closest("td") || button.parentNode;
    var input = cell.querySelector("input[name=comment]");
    var payload = {};
    if (input) {
      if (!input.value.trim() && button.getAttribute("data-comment") === "required") {
        input.setCustomValidity(t("comment"));
        input.reportValidity();
        return;
      }
      payload.comment = input.value.trim();
    }
    button.disabled = true;
    send("POST", button.getAttribute("data-post"), payload).then(function (result) {
      if (result.ok) {
        window.location.reload();
      } else {
        button.disabled = false;
        button.title = errorText(result);
        window.alert(errorText(result));
      }
    });
  }

  function charts() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var instances = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.init(el);
      chart.setOption(JSON.parse(el.getAttribute("data-chart")));
      instances.push(chart);
    });
    var mapEl = document.getElementById("district-map");
    if (mapEl) {
      districtMap(mapEl, instances);
    }
    window.addEventListener("resize", function () {
      instances.forEach(function (chart) { chart.resize(); });
    });
  }

  /* The choropleth of the programme's districts on their real boundaries, for the indicator chosen in
     #map-indicator; a click on a district drills down to its towns where town boundaries ship (the note then
     links to the district's page), else opens the district's page (/regions/CODE; signed-in users only, else
     the note says that there are no town boundaries): never a map of the wrong places. The functional zones
     listed under the map (#map-zones) show the chosen indicator's values. */
  function districtMap(el, instances) {
    var encode = window.echarts.format.encodeHTML;
    var config = JSON.parse(el.getAttribute("data-map"));
    var select = document.getElementById("map-indicator");
    var note = document.getElementById("map-towns");
    var hint = note ? note.textContent : "";
    var chart = window.echarts.init(el);
    var town = null; /* the district drilled into: {code, map} */
    instances.push(chart);
    function chosenIndicator() {
      var code = select ? select.value : null;
      return config.indicators.filter(function (i) { return i.code === code; })[0] || config.indicators[0];
    }
    function draw() {
      var chosen = chosenIndicator();
      if (!chosen) {
        return;
      }
      var data = chosen.values;
      if (town) {
        data = (chosen.towns || []).filter(function (v) { return v.district === town.code; });
      }
      var values = data.map(function (v) { return v.value; });
      var low = values.length ? Math.min.apply(null, values) : 0;
      var high = values.length ? Math.max.apply(null, values) : 1;
      document.querySelectorAll("#map-zones [data-shown]").forEach(function (span) {
        var shown = JSON.parse(span.getAttribute("data-shown"));
        span.textContent = shown[chosen.code] === undefined ? "—" : shown[chosen.code];
      });
      chart.setOption({
        /* ECharts puts the formatter's string into the page as HTML: escape every text in it */
        tooltip: { trigger: "item", formatter: function (p) {
          var value = p.value === undefined || isNaN(p.value) ? "—" : String(p.value);
          return encode(p.name + ": " + value + " " + (chosen.unit || ""));
        } },
        visualMap: { min: low, max: high === low ? low + 1 : high, calculable: true, left: 10, bottom: 10,
          inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] } },
        series: [{ type: "map", map: town ? town.map : config.map, name: chosen.name + " (" + config.year + ")",
          roam: false, label: { show: true }, data: data }]
      }, true);
    }
    function getJson(url) {
      return send("GET", url).then(function (result) {
        if (!result.ok) {
          throw result;
        }
        return result.data;
      });
    }
    function drillDown(name, data) {
      var code = (data && data.code) || (config.districts || {})[name];
      if (town && note) { /* a second click goes back up to the districts */
        town = null;
        note.textContent = hint;
        draw();
        return;
      }
      if (!code || !note) {
        return;
      }
      if (!config.towns) {
        if (config.links) {
          window.location.assign("/regions/" + encodeURIComponent(code));
          return;
        }
        note.classList.add("error"); /* the page already says that this city has no town boundaries */
        return;
      }
      getJson(config.towns + "&district=" + encodeURIComponent(code)).then(function (geojson) {
        town = { code: code, map: config.map + "-" + code };
        window.echarts.registerMap(town.map, geojson);
        draw();
        note.textContent = "";
        var link = document.createElement(config.links ? "a" : "span");
        link.textContent = name;
        if (config.links) {
          link.href = "/regions/" + encodeURIComponent(code);
        }
        note.appendChild(link);
      }, function (result) {
        note.textContent = errorText(result);
        note.classList.add("error");
      });
    }
    getJson(config.geo).then(function (geojson) {
      window.echarts.registerMap(config.map, geojson);
      draw();
      el.setAttribute("data-ready", "true");
    }, function (result) {
      el.textContent = errorText(result);
    });
    chart.on("click", function (params) {
      drillDown(params.name, params.data);
    });
    if (select) {
      select.addEventListener("change", draw);
    }
  }

  /* The entry grid checks a cell as it is typed: a number (the import's rule: "1,234.5" and "，" allowed) inside
     the indicator's valid range (data-min, data-max), else aria-invalid and a message under it. Only a hint:
     the check on saving, on the server, is the one that counts. */
  var PLAIN = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
  var GROUPED = /^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$/;

  function cellProblem(input) {
    var text = input.value.trim().replace(/，/g, ",");
    if (!text) {
      return "";
    }
    var plain = GROUPED.test(text) ? text.replace(/,/g, "") : text;
    var value = Number(plain);
    if (!PLAIN.test(plain) || !isFinite(value)) {
      return t("not_number");
    }
    var low = input.getAttribute("data-min");
    var high = input.getAttribute("data-max");
    if ((low !== null && value < Number(low)) || (high !== null && value > Number(high))) {
      return t("out_of_range").replace("{min}", low === null ? "" : String(Number(low)))
        .replace("{max}", high === null ? "" : String(Number(high)));
    }
    return "";
  }

  function checkCell(input) {
    var problem = cellProblem(input);
    var note = document.getElementById("check-" + input.name);
    var stale = input.value === input.defaultValue && input.parentNode.querySelector(".cell-error");
    if (problem && !note) {
      note = document.createElement("small");
      note.className = "cell-check";
      note.id = "check-" + input.name;
      note.setAttribute("role", "status");
      input.parentNode.appendChild(note);
      input.setAttribute("aria-describedby", note.id);
    }
    if (note) {
      note.textContent = problem;
      note.hidden = !problem;
    }
    if (problem || stale) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  var entryForm = document.getElementById("entry-form");
  if (entryForm) {
    entryForm.addEventListener("input", function (event) {
      if (event.target.matches("input[name^='v:']")) {
        checkCell(event.target);
      }
    });
  }

  var reportsForm = document.getElementById("reports-form");
  if (reportsForm) {  // a report takes seconds to render: say so until the download starts
    reportsForm.addEventListener("submit", function () {
      var progress = document.getElementById("reports-progress");
      progress.hidden = false;
      window.setTimeout(function () { progress.hidden = true; }, 30000);
    });
  }

  document.querySelectorAll("input[type=range][data-sync]").forEach(function (range) {
    var box = document.getElementById(range.dataset.sync);  // the named number input the form sends
    range.addEventListener("input", function () { box.value = range.value; });
    box.addEventListener("input", function () { range.value = box.value; });
  });
  document.querySelectorAll("form[data-json]").forEach(function (form) {
    form.addEventListener("submit", onJsonSubmit);
  });
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", onUpload);
  });
  document.addEventListener("click", onActionClick);
  document.addEventListener("input", function (event) {
    if (event.target.name === "comment") {
      event.target.setCustomValidity("");
    }
  });
  charts();
})();
