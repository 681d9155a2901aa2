// The session ends after SESSION_COOKIE_AGE without a request (30 minutes), and every request
// renews it. A few minutes before the end, a warning offers "Stay signed in" (a GET to the
// keep-alive URL, answered 204, which renews it); at the end, it says the session is over and
// what is typed can no longer be saved. The page gives the times, the URL and the texts.
// Tabs share the time of the last request (localStorage), so working in one tab keeps the
// others from warning.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) {
    return;
  }
  var lifetime = Number(box.getAttribute("data-session-seconds")) * 1000;
  var warning = Number(box.getAttribute("data-warning-seconds")) * 1000;
  var keepAliveUrl = box.getAttribute("data-keep-alive-url");
  var text = box.querySelector("[data-role=text]");
  var stay = box.querySelector("[data-role=stay]");
  var logIn = box.querySelector("[data-role=log-in]");
  var warningText = text.textContent;
  var KEY = "idmaj-last-request";
  var timer = null;
  var ended = false;
  var lastHere = Date.now();

  function lastRequest() {
    var shared = 0;
    try {
      shared = Number(window.localStorage.getItem(KEY)) || 0;
    } catch (error) {
      // Storage refused (private mode): this tab's own time is enough.
    }
    return Math.max(shared, lastHere);
  }

  function requestMade() {
    lastHere = Date.now();
    try {
      window.localStorage.setItem(KEY, String(lastHere));
    } catch (error) {
      // As above.
    }
    check();
  }

  function show(message, canStay) {
    text.textContent = message;
    stay.hidden = !canStay;
    logIn.hidden = canStay;
    box.hidden = false;
  }

  function check() {
    window.clearTimeout(timer);
    if (ended) {
      return;
    }
    var idle = Date.now() - lastRequest();
    if (idle >= lifetime) {
      ended = true;
      show(box.getAttribute("data-ended-text"), false);
      return;
    }
    if (idle >= lifetime - warning) {
      if (box.hidden) {
        show(warningText, true);
      }
      timer = window.setTimeout(check, lifetime - idle);
      return;
    }
    box.hidden = true;
    timer = window.setTimeout(check, lifetime - warning - idle);
  }

  stay.addEventListener("click", function () {
    stay.disabled = true;
    // "manual": a session already over answers a redirect to the log-in page, not a 204.
    fetch(keepAliveUrl, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status === 204) {
          requestMade();
        } else {
          ended = true;
          show(box.getAttribute("data-ended-text"), false);
        }
      })
      .catch(function () {
        // No network: the warning stays, and the button can be pressed again.
      })
      .then(function () {
        stay.disabled = false;
      });
  });

  // htmx requests (the list's search, the CIN reveal) renew the session too.
  document.body.addEventListener("htmx:afterRequest", requestMade);
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      check();
    }
  });
  requestMade(); // this page's own request
})();
