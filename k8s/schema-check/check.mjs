// Validates Kubernetes objects against their API schemas: a multi-document YAML on stdin, as
// `kubectl kustomize` renders an overlay. Built-in kinds by kubernetes-models, the Prometheus
// Operator's (PodMonitor, ServiceMonitor, PrometheusRule) by @kubernetes-models/prometheus-operator.
// Prints a line per object that is invalid or of a kind it has no schema for, then
// "validated N objects"; exits 1 if any object failed. Run by the launcher's ManifestSchemasTest.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as builtIn from "kubernetes-models";
import * as prometheusOperator from "@kubernetes-models/prometheus-operator";

/** "networking.k8s.io/v1" -> the models' namespace networkingK8sIo.v1; "v1" (the core group) -> v1. */
function models(apiVersion) {
  const slash = apiVersion.lastIndexOf("/");
  if (slash < 0) {
    return builtIn[apiVersion];
  }
  const group = apiVersion.slice(0, slash).replace(/\.(\w)/g, (_, c) => c.toUpperCase());
  const version = apiVersion.slice(slash + 1);
  return (builtIn[group] ?? prometheusOperator[group])?.[version];
}

const documents = parseAllDocuments(readFileSync(0, "utf8"));
let validated = 0;
let failed = 0;
for (const document of documents) {
  const object = document.toJS();
  if (object == null) {
    continue;
  }
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  const Model = models(String(object.apiVersion))?.[object.kind];
  if (Model === undefined) {
    console.log(`no schema: ${name}`);
    failed++;
    continue;
  }
  try {
    new Model(object).validate();
    validated++;
  } catch (e) {
    console.log(`invalid: ${name}: ${e.message}`);
    failed++;
  }
}
console.log(`validated ${validated} objects, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
