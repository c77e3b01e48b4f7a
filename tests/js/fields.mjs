// Read a PDF form's fields with pdf.js (the viewer of Firefox), and optionally fill it and save it as
// Firefox does: node fields.mjs IN.pdf [VALUES.json OUT.pdf]
// VALUES.json maps field names to a text, to the export value of the radio button to set, or to
// true for a check box. Prints {name: [{type, value, exportValues, page, rect, hidden, multiline}]}.

// pdf.js wants DOMMatrix when it loads, for rendering only (nothing is rendered here).
globalThis.DOMMatrix ??= class DOMMatrix {
  constructor() { Object.assign(this, { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 }); }
};
const { readFileSync, writeFileSync } = await import("node:fs");
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");

const [, , input, valuesPath, output] = process.argv;
const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(input)), verbosity: 0 }).promise;
const objects = (await doc.getFieldObjects()) || {};

if (valuesPath) {
  const values = JSON.parse(readFileSync(valuesPath, "utf8"));
  for (const [name, value] of Object.entries(values)) {
    const widgets = (objects[name] || []).filter((o) => o.type);
    if (!widgets.length) throw new Error(`no field ${name}`);
    for (const o of widgets) {
      const set = o.type === "radiobutton" ? o.exportValues === value : o.type === "checkbox" ? value === true : value;
      doc.annotationStorage.setValue(o.id, { value: set });
    }
  }
  writeFileSync(output, await doc.saveDocument());
}

const out = {};
for (const [name, list] of Object.entries(objects)) {
  out[name] = list.filter((o) => o.type).map((o) => ({
    type: o.type, value: o.value, exportValues: o.exportValues, page: o.page, rect: o.rect,
    hidden: o.hidden, multiline: o.multiline,
  }));
}
console.log(JSON.stringify(out));
