// The audit log, for operators: who did what to whom, with what outcome, newest first.
import { api, withQuery } from "../api.js";
import { formatDate, h } from "../dom.js";

export async function renderLogs(context) {
  const results = h("div", {});
  context.page("Logs", h("p", {}, "Every change made through the dashboard, and every refusal."), results);
  await more(context, results, null);
}

async function more(context, results, cursor) {
  try {
    const answer = await api("GET", withQuery("/api/logs", { per_page: 20, cursor }));
    let body = results.querySelector("tbody");
    if (!body) {
      body = h("tbody", {});
      results.append(
        h(
          "div",
          { class: "scroll" },
          h("table", {}, h("caption", {}, "Audit log"), h("thead", {}, h("tr", {}, ["Time", "Who", "Action", "Target", "Outcome", "Message"].map((text) => h("th", { scope: "col" }, text)))), body),
        ),
      );
    }
    body.append(...answer.logs.map((entry) => h("tr", {}, [formatDate(entry.time), entry.who, entry.action, entry.target || "", `${entry.outcome} (${entry.status})`, entry.message || ""].map((text) => h("td", {}, text)))));
    results.querySelector(".more")?.remove();
    if (answer.next) {
      results.append(h("button", { type: "button", class: "more", onclick: () => more(context, results, answer.next) }, "More"));
    }
  } catch (error) {
    context.failed(error, results);
  }
}
