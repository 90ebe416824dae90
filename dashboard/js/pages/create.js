// Create a user: the form the settings hook's userFields describe, with the memberships the
// memberships hook offers the caller (its `createMemberships` lets them type new ones).
import { api } from "../api.js";
import { createFields, setValueAt } from "../fields.js";
import { field, fill, h, uid } from "../dom.js";

export function renderCreate(context) {
  const messages = h("div", { class: "messages" });
  const controls = createFields(context.settings).map((spec) => [spec, control(spec)]);
  const memberships = membershipChoices(context);
  const form = h(
    "form",
    { class: "create", novalidate: true, onsubmit: (event) => submit(event, context, controls, memberships, messages) },
    controls.map(([spec, input]) => field(`${spec.label}${spec.required ? " (required)" : ""}`, input)),
    memberships.element,
    h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, "Create user"), h("a", { href: "#/users" }, "Cancel")),
  );
  context.page("Create user", messages, form);
}

function control(spec) {
  if (Array.isArray(spec.options)) {
    return h(
      "select",
      { name: spec.property, required: spec.required },
      h("option", { value: "" }, "Choose…"),
      spec.options.map((option) => (typeof option === "object" ? h("option", { value: option.value }, option.label ?? option.value) : h("option", { value: option }, option))),
    );
  }
  return h("input", {
    type: spec.type || "text",
    name: spec.property,
    required: spec.required,
    placeholder: spec.placeholder,
    autocomplete: spec.autocomplete || "off",
  });
}

function membershipChoices(context) {
  const offered = context.me.memberships || [];
  const label = context.settings.dict?.memberships || "Memberships";
  if (!offered.length && !context.me.createMemberships) return { element: null, chosen: () => undefined };
  const boxes = offered.map((name) => {
    const box = h("input", { type: "checkbox", value: name, id: uid("membership"), checked: offered.length === 1 });
    return [box, h("div", { class: "check" }, box, h("label", { for: box.id }, name))];
  });
  const fieldset = h("fieldset", {}, h("legend", {}, label), boxes.map(([, row]) => row));
  return { element: fieldset, chosen: () => boxes.filter(([box]) => box.checked).map(([box]) => box.value) };
}

async function submit(event, context, controls, memberships, messages) {
  event.preventDefault();
  fill(messages);
  const body = {};
  for (const [spec, input] of controls) {
    if (input.value !== "") setValueAt(body, spec.property, input.value);
  }
  const chosen = memberships.chosen();
  if (chosen !== undefined) body.memberships = chosen;
  try {
    const answer = await api("POST", "/api/users", { body });
    context.flash(`Created ${answer.user.username || answer.user.email}.`);
    context.go(`#/user/${encodeURIComponent(answer.user.user_id)}`);
  } catch (error) {
    context.failed(error, messages);
    messages.querySelector("[role=alert]")?.scrollIntoView({ block: "nearest" });
  }
}
