// "Did this work?" answers where the visitor tapped: the answer is announced through the
// channel's live region, the chosen button stays pressed, and the minutes waited (and what
// went wrong) are asked right there. Without this script the form still posts and the page
// comes back at the channel with the same answer and question.
(function () {
  "use strict";
  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function show(form, button, answer) {
    var status = document.getElementById(form.dataset.answer);
    var more = document.getElementById(form.dataset.more);
    status.textContent = answer.message;
    status.classList.toggle("report-answer-error", !answer.ok);
    if (button.value === "more") {
      if (answer.ok) more.hidden = true;
      status.scrollIntoView({block: "nearest"});
      status.focus();
      return;
    }
    form.querySelectorAll("button[name=worked]").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
      other.disabled = true;
    });
    if (answer.ask_more) {
      more.querySelector(".report-reason").hidden = button.value === "yes";
      more.hidden = false;
    }
    // The answer and the follow-up question open below the buttons: keep them in sight, and
    // move the focus there, since the button that had it is now disabled.
    (answer.ask_more ? more : status).scrollIntoView({block: "nearest"});
    if (answer.ask_more) {
      more.querySelector("input").focus();
    } else {
      status.focus();
    }
  }
  document.querySelectorAll("form.report-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!window.fetch || !button || form.dataset.plain) return;  // the plain form post does the work
      event.preventDefault();
      var data = new FormData(form);
      data.append(button.name, button.value);
      form.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrfToken(form)}
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json) throw new Error(response.status);
        return response.json();
      }).then(function (answer) {
        form.removeAttribute("aria-busy");
        show(form, button, answer);
      }).catch(function () {
        form.removeAttribute("aria-busy");
        form.dataset.plain = "1";
        form.requestSubmit(button);  // let the server answer the ordinary way
      });
    });
  });
})();
