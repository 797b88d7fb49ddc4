#!/usr/bin/env node
// Static checks of a Terraform root module without a terraform binary.
//
//   node check.mjs [DIR]        (DIR defaults to ../../terraform, relative to this script)
//
// Parses every *.tf file in DIR with HashiCorp's HCL parser (@cdktf/hcl2json, the Go hcl library
// compiled to WebAssembly) and reports, with file names:
//   - files that do not parse;
//   - var.X without a variable block, local.X without a locals entry;
//   - references to resources (aws_foo.bar), data sources (data.aws_foo.bar) and modules
//     (module.x) that are not declared;
//   - variables and outputs without a description;
//   - keys of terraform.tfvars / *.tfvars.example files that are not declared variables.
// Exits 1 when there is any problem, 0 otherwise, and prints a summary line:
//   terraform check: 9 files, 42 variables, 37 resources, 0 problems (3 data sources, ...)

import { parse } from "@cdktf/hcl2json";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, "..", "..", "terraform"));

if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
  console.error(`terraform check: ${dir} is not a directory`);
  process.exit(2);
}

// Terraform loads the *.tf files of one directory (not sub-directories) as one module.
const tfFiles = fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort();
const tfvarsFiles = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".tfvars") || f.endsWith(".tfvars.example"))
  .sort();

const problems = [];
const problem = (file, message) => problems.push(`${file}: ${message}`);

// Declarations over all files.
const variables = new Map(); // name -> file
const locals = new Map();
const resources = new Map(); // "type.name" -> file
const dataSources = new Map(); // "type.name" -> file
const modules = new Map();
const outputs = new Map();
const providerPrefixes = new Set(["aws", "random", "null", "archive", "time", "tls", "local", "external", "http", "template"]);
const parsed = []; // { file, json }

function declare(map, kind, key, file) {
  if (map.has(key)) {
    problem(file, `${kind} "${key}" is declared again (first in ${map.get(key)})`);
  } else {
    map.set(key, file);
  }
}

for (const file of tfFiles) {
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  let json;
  try {
    json = await parse(file, text);
  } catch (e) {
    problem(file, `does not parse: ${String(e?.message ?? e).trim()}`);
    continue;
  }
  parsed.push({ file, json });

  for (const [name, blocks] of Object.entries(json.variable ?? {})) {
    declare(variables, "variable", name, file);
    const body = blocks[0] ?? {};
    if (typeof body.description !== "string" || body.description.trim() === "") {
      problem(file, `variable "${name}" has no description`);
    }
  }
  for (const [name, blocks] of Object.entries(json.output ?? {})) {
    declare(outputs, "output", name, file);
    const body = blocks[0] ?? {};
    if (typeof body.description !== "string" || body.description.trim() === "") {
      problem(file, `output "${name}" has no description`);
    }
  }
  for (const block of json.locals ?? []) {
    for (const name of Object.keys(block)) declare(locals, "local value", name, file);
  }
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const name of Object.keys(byName)) declare(resources, "resource", `${type}.${name}`, file);
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    for (const name of Object.keys(byName)) declare(dataSources, "data source", `${type}.${name}`, file);
  }
  for (const name of Object.keys(json.module ?? {})) declare(modules, "module", name, file);
  for (const tfBlock of json.terraform ?? []) {
    for (const rp of tfBlock.required_providers ?? []) {
      for (const name of Object.keys(rp)) providerPrefixes.add(name);
    }
  }
}

// Collects every string of the parsed JSON with the JSON path that leads to it.
function* strings(node, trail = []) {
  if (typeof node === "string") {
    yield { value: node, trail };
  } else if (Array.isArray(node)) {
    for (const item of node) yield* strings(item, trail);
  } else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) yield* strings(v, [...trail, k]);
  }
}

// The expression text of a string. hcl2json renders every expression as "${...}" (templates keep
// their literal text around it); "$${" is an escaped literal. A small lexer keeps the text inside
// interpolations, including interpolations nested in quoted strings within expressions, and drops
// literal text, so "var.x" written inside a message does not count as a reference.
function expressionParts(value) {
  let out = "";
  const stack = [{ mode: "template" }]; // template (top level), string (quoted, in an expression), expr
  for (let i = 0; i < value.length; i++) {
    const top = stack[stack.length - 1];
    const c = value[i];
    if (top.mode === "expr") {
      if (c === '"') {
        stack.push({ mode: "string" });
        out += " ";
      } else if (c === "{") {
        top.depth++;
        out += c;
      } else if (c === "}") {
        if (top.depth === 0) {
          stack.pop();
          out += " ";
        } else {
          top.depth--;
          out += c;
        }
      } else {
        out += c;
      }
      continue;
    }
    // template or string: literal text, interpolations start expressions
    if (top.mode === "string" && c === "\\") {
      i++;
    } else if (c === "$" && value[i + 1] === "$" && value[i + 2] === "{") {
      i += 2;
    } else if ((c === "$" || c === "%") && value[i + 1] === "{") {
      stack.push({ mode: "expr", depth: 0 });
      out += " ";
      i++;
    } else if (top.mode === "string" && c === '"') {
      stack.pop();
      out += " ";
    }
  }
  return [out];
}

// Names bound inside expressions and blocks, which look like references but are not:
// for-expression variables and dynamic-block iterators.
function boundNames(json) {
  const names = new Set(["each", "count", "self", "path", "terraform", "var", "local", "data", "module"]);
  for (const { value, trail } of strings(json)) {
    for (const part of expressionParts(value)) {
      for (const m of part.matchAll(/\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/g)) {
        names.add(m[1]);
        if (m[2]) names.add(m[2]);
      }
    }
    const d = trail.indexOf("dynamic");
    if (d >= 0 && trail[d + 1]) names.add(trail[d + 1]);
    if (trail[trail.length - 1] === "iterator") names.add(value.replace(/^\$\{|\}$/g, ""));
  }
  return names;
}

let references = 0;
for (const { file, json } of parsed) {
  const bound = boundNames(json);
  const reported = new Set();
  const report = (message) => {
    if (!reported.has(message)) {
      reported.add(message);
      problem(file, message);
    }
  };
  for (const { value } of strings(json)) {
    for (const part of expressionParts(value)) {
      // Identifiers preceded by '.' are attribute accesses (a.b.c), not roots of references.
      for (const m of part.matchAll(/(?<![\w.-])var\.([A-Za-z_][\w-]*)/g)) {
        references++;
        if (!variables.has(m[1])) report(`reference to undeclared variable var.${m[1]}`);
      }
      for (const m of part.matchAll(/(?<![\w.-])local\.([A-Za-z_][\w-]*)/g)) {
        references++;
        if (!locals.has(m[1])) report(`reference to undeclared local value local.${m[1]}`);
      }
      for (const m of part.matchAll(/(?<![\w.-])data\.([A-Za-z][\w-]*)\.([A-Za-z_][\w-]*)/g)) {
        references++;
        if (!dataSources.has(`${m[1]}.${m[2]}`)) report(`reference to undeclared data source data.${m[1]}.${m[2]}`);
      }
      for (const m of part.matchAll(/(?<![\w.-])module\.([A-Za-z_][\w-]*)/g)) {
        references++;
        if (!modules.has(m[1])) report(`reference to undeclared module module.${m[1]}`);
      }
      for (const m of part.matchAll(/(?<![\w.-])([a-z][a-z0-9]*)_([a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) {
        const type = `${m[1]}_${m[2]}`;
        if (!providerPrefixes.has(m[1]) || bound.has(type)) continue;
        references++;
        if (!resources.has(`${type}.${m[3]}`)) report(`reference to undeclared resource ${type}.${m[3]}`);
      }
    }
  }
}

// Variable files may only set declared variables.
for (const file of tfvarsFiles) {
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  let json;
  try {
    json = await parse(file.replace(/\.example$/, ""), text);
  } catch (e) {
    problem(file, `does not parse: ${String(e?.message ?? e).trim()}`);
    continue;
  }
  for (const name of Object.keys(json)) {
    if (!variables.has(name)) problem(file, `sets undeclared variable "${name}"`);
  }
}

for (const p of problems) console.error(`ERROR ${p}`);
console.log(
  `terraform check: ${tfFiles.length} files, ${variables.size} variables, ${resources.size} resources, ` +
    `${problems.length} problems (${dataSources.size} data sources, ${outputs.size} outputs, ${references} references checked)`,
);
process.exit(problems.length === 0 ? 0 : 1);
