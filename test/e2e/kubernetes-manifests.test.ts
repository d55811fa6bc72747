// Every kind's deploy/kubernetes/: the Deployment validates against the Kubernetes schemas (kubernetes-validate,
// strict: no unknown fields) and the ScaledObject against KEDA's CRD (no unknown fields either), its probes reach /healthz and /readyz on the kernel's HEALTH_PORT, and the KEDA
// ScaledObject scales that Deployment on the kernel's own consumer group and topic.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { createQuietKernel, makeTempDir, removeDir } from '../helpers/cli.js';
import { kedaScaledObjectCrd } from '../helpers/keda-crd.js';
import { withKubernetesValidate } from '../helpers/linters.js';

// Prints one JSON object: the schema errors of each document, and the fields the test compares.
const CHECK_MANIFESTS = `
import json, sys
import jsonschema, kubernetes_validate, yaml
deployment = yaml.safe_load(open(sys.argv[1]))
scaled = yaml.safe_load(open(sys.argv[2]))
crd = yaml.safe_load(open(sys.argv[3]))
def unknown_fields(value, schema, path):
    # What the API server would prune: a key the structural schema does not name.
    if isinstance(value, dict) and "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        found = [path + "." + key for key in value if key not in schema["properties"]]
        return found + [f for key, item in value.items() if key in schema["properties"]
                        for f in unknown_fields(item, schema["properties"][key], path + "." + key)]
    if isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        return [f for key, item in value.items() for f in unknown_fields(item, schema["additionalProperties"], path + "." + key)]
    if isinstance(value, list) and "items" in schema:
        return [f for i, item in enumerate(value) for f in unknown_fields(item, schema["items"], f"{path}[{i}]")]
    return []
def crd_errors(document):
    version = document["apiVersion"].split("/")[1]
    schema = next(v["schema"]["openAPIV3Schema"] for v in crd["spec"]["versions"] if v["name"] == version)
    problems = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(document)]
    return problems + ["unknown field " + field for field in unknown_fields(document, schema, "")]
def errors(document):
    try:
        kubernetes_validate.validate(document, kubernetes_validate.latest_version(), strict=True)
        return []
    except kubernetes_validate.ValidationError as error:
        return [error.message]
    except kubernetes_validate.SchemaNotFoundError as error:
        return ["no schema: " + str(error)]
container = deployment["spec"]["template"]["spec"]["containers"][0]
env = {item["name"]: item.get("value") for item in container.get("env", [])}
ports = {port["name"]: port["containerPort"] for port in container["ports"]}
def probe(name):
    get = container[name]["httpGet"]
    return [get["path"], ports.get(get["port"], get["port"])]
trigger = scaled["spec"]["triggers"][0]
print(json.dumps({
    "deploymentErrors": errors(deployment),
    "scaledObjectErrors": crd_errors(scaled),
    "scaledObjectKind": [scaled["apiVersion"], scaled["kind"], crd["spec"]["group"], crd["spec"]["names"]["kind"]],
    "deploymentName": deployment["metadata"]["name"],
    "healthPort": int(env["HEALTH_PORT"]),
    "group": env["KAFKA_CONSUMER_GROUP"],
    "liveness": probe("livenessProbe"),
    "readiness": probe("readinessProbe"),
    "scaleTarget": scaled["spec"]["scaleTargetRef"]["name"],
    "maxReplicas": scaled["spec"]["maxReplicaCount"],
    "trigger": [trigger["type"], trigger["metadata"]["consumerGroup"], trigger["metadata"]["topic"]],
}))
`;

describe.each(KINDS.map((k) => k.name))('%s kernel deploy/kubernetes/', (kind) => {
  let cwd: string;
  let kernel: string;

  beforeAll(async () => {
    cwd = makeTempDir(`cck-k8s-${kind}-`);
    kernel = await createQuietKernel(cwd, `k8s-${kind}`, kind, ['--topic', 'orders.v1', '--group', 'orders-readers']);
  });
  afterAll(() => removeDir(cwd));

  it('holds a schema-valid Deployment probed on /healthz and /readyz, scaled by KEDA on its group', async () => {
    const dir = join(kernel, 'deploy', 'kubernetes');
    const run = await withKubernetesValidate(
      CHECK_MANIFESTS,
      [join(dir, 'deployment.yaml'), join(dir, 'keda-scaledobject.yaml'), await kedaScaledObjectCrd()],
      cwd,
    );
    expect(run.exitCode, run.all).toBe(0);
    const checked = JSON.parse(run.all.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(checked.deploymentErrors).toEqual([]);
    // kubernetes-validate ships the built-in kinds only: the ScaledObject is checked against KEDA's own CRD.
    expect(checked.scaledObjectErrors).toEqual([]);
    expect(checked.scaledObjectKind).toEqual(['keda.sh/v1alpha1', 'ScaledObject', 'keda.sh', 'ScaledObject']);
    expect(checked).toMatchObject({
      deploymentName: `k8s-${kind}`,
      healthPort: 8080,
      group: 'orders-readers',
      liveness: ['/healthz', 8080],
      readiness: ['/readyz', 8080],
      scaleTarget: `k8s-${kind}`,
      trigger: ['kafka', 'orders-readers', 'orders.v1'],
    });
    expect(checked.maxReplicas).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
