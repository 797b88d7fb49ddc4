// Prints the variables table of docs/deploy.md from a module's variables.tf:
//   node variables-table.mjs ../../terraform/variables.tf
// TerraformModuleITCase fails when docs/deploy.md and this output differ.
import { parse } from "@cdktf/hcl2json";
import fs from "fs";
const src = fs.readFileSync(process.argv[2], "utf8");
const json = await parse("variables.tf", src);
const vars = json.variable;
const rows = Object.keys(vars).sort().map((name) => {
  const v = vars[name][0];
  let type = (v.type || "").replace(/^\$\{(.*)\}$/, "$1");
  let d = v.default;
  let def = d === undefined ? "(required)" : d === null ? "`null`" : typeof d === "string" ? "`\"" + d + "\"`" : "`" + JSON.stringify(d).replace(/,/g, ", ").replace(/:/g, " = ") + "`";
  return `| \`${name}\` | ${type} | ${def} | ${v.description.replace(/\|/g, "\\|")} |`;
});
console.log(rows.join("\n"));
