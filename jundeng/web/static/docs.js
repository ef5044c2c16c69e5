/* Start Swagger UI on /api/docs (the vendored bundle; no inline script, as the Content-Security-Policy requires).
   "Try it out" sends the CSRF header as app.js does, so that writes work for a signed-in user. */
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      request.headers["x-csrftoken"] = csrfToken();
      return request;
    }
  });
})();
