// The settings hook's userFields, read as the original dashboard read them: which fields a user's
// page shows, which the create form asks for, and which menu entries a field's `edit: false` hides.

const IDENTITY = ["username", "email", "password", "repeatPassword", "connection"];
// A menu entry the original hid when its field is not editable.
const ACTION_FIELDS = { "change:email": "email", "change:username": "username", "change:password": "password" };

export function userFields(settings) {
  const fields = settings?.userFields;
  return Array.isArray(fields) ? fields.filter((field) => field && typeof field.property === "string") : [];
}

export function fieldNamed(settings, property) {
  return userFields(settings).find((field) => field.property === property);
}

export function valueAt(object, property) {
  return property.split(".").reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), object);
}

export function setValueAt(object, property, value) {
  const keys = property.split(".");
  const last = keys.pop();
  let node = object;
  for (const key of keys) node = node[key] ??= {};
  node[last] = value;
}

/** Fields shown on a user's page beyond the standard ones (`display` not false). */
export function displayedFields(settings) {
  return userFields(settings).filter((field) => field.display !== false && !IDENTITY.includes(field.property));
}

/** False when the settings say the entry's field may not be edited. */
export function actionAllowedByFields(settings, action) {
  const property = ACTION_FIELDS[action];
  return !property || fieldNamed(settings, property)?.edit !== false;
}

/**
 * The create form's fields: the standard ones unless a userField sets `create: false`, then the
 * userFields marked `create`. Username is asked only when a userField asks for it (`create`): the
 * directory names a user by e-mail unless the write hook passes a username on (the shipped one does not).
 */
export function createFields(settings) {
  const standard = [
    { property: "email", label: "Email", type: "email", required: true, autocomplete: "off" },
    ...(fieldNamed(settings, "username")?.create ? [{ property: "username", label: "Username", type: "text", autocomplete: "off" }] : []),
    { property: "password", label: "Password", type: "password", autocomplete: "new-password" },
    { property: "repeatPassword", label: "Repeat password", type: "password", autocomplete: "new-password" },
  ];
  const shown = standard
    .filter((field) => fieldNamed(settings, field.property)?.create !== false)
    .map((field) => ({ ...field, ...rulesOf(fieldNamed(settings, field.property)) }));
  const extra = userFields(settings)
    .filter((field) => field.create && !IDENTITY.includes(field.property))
    .map((field) => ({ property: field.property, label: field.label || field.property, type: "text", ...rulesOf(field) }));
  return [...shown, ...extra];
}

function rulesOf(field) {
  const rules = field?.create;
  if (!rules || typeof rules !== "object") return field?.label ? { label: field.label } : {};
  return {
    ...(field.label ? { label: field.label } : {}),
    ...(rules.type ? { type: rules.type } : {}),
    ...(rules.required ? { required: true } : {}),
    ...(Array.isArray(rules.options) ? { options: rules.options } : {}),
    ...(rules.placeholder ? { placeholder: rules.placeholder } : {}),
  };
}
