// Load each DMN file named on the command line with dmn-moddle, the DMN parser of the
// bpmn-io/Camunda modelers, and print one JSON line per file: its name, whether it loaded,
// the warnings dmn-moddle gave (unknown elements or attributes, unresolved references) and
// the error, if any. Used by tests/test_dmn_export.py; exits 0 whatever it finds.
import { readFile } from "node:fs/promises";
import { DmnModdle } from "dmn-moddle";

const moddle = DmnModdle();

for (const file of process.argv.slice(2)) {
  const xml = await readFile(file, "utf8");
  try {
    const { rootElement, warnings } = await moddle.fromXML(xml, "dmn:Definitions");
    console.log(JSON.stringify({
      file,
      loaded: true,
      root: rootElement.$type,
      decisions: (rootElement.drgElement || []).filter((e) => e.$type === "dmn:Decision").length,
      warnings: warnings.map((w) => w.message),
    }));
  } catch (err) {
    console.log(JSON.stringify({ file, loaded: false, error: String(err && err.message), warnings: [] }));
  }
}
