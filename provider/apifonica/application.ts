/**
 * ApifonicaApplication: the controller URL and method Apifonica calls for a number's voice or
 * messaging events. Numbers link to it by `applicationSid`. Every field updates in place.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type Props, stripMeta } from "../core/check.js";
import { apifonicaSettings, configure } from "../core/config.js";
import { inPlacePatch } from "../core/diff.js";
import { VendorApiError } from "../core/errors.js";
import { answerOf, fieldOutputsOf } from "../core/fields.js";
import { identityOf, labelFor } from "../core/labels.js";
import { messageOf, unlessGone } from "../core/outcome.js";
import { release, unlessRefused } from "../core/purchase.js";
import { checkKind, diffKind, KINDS, type KindProvider, type ResourceKind } from "../registry.js";
import { APIFONICA_APPLICATION_FIELDS, type ApifonicaApplicationOutputs } from "./application.schema.js";
import { type ApifonicaApplication, type ApifonicaClient, apifonicaClient } from "./client.js";

const D: ResourceKind = KINDS["apifonica-application"];
/** The input schema, typed (the registry's, built from the field table). */
const INPUTS = KINDS["apifonica-application"].inputs;
export const KIND = D.kind;
const STATE_VERSION = 1;

/** The outputs of an application as Apifonica answered it; the fields with `output` come from the field table. */
function outputsOf(app: ApifonicaApplication): ApifonicaApplicationOutputs {
  return {
    stateVersion: STATE_VERSION,
    applicationSid: app.application_sid,
    controller: app.controller,
    method: app.method,
    ...fieldOutputsOf(APIFONICA_APPLICATION_FIELDS, app, {}, {}),
  };
}

function api(): ApifonicaClient {
  return apifonicaClient(apifonicaSettings());
}

/**
 * Creates the application. A 429 is a refusal and is asked again after Retry-After. An ambiguous
 * failure (timeout, reset, 5xx, malformed answer) may have created it, and Apifonica has no list of
 * applications to look in, so the create is never repeated within the operation: the error says so
 * and names the application by its `name`, which is the identity label (core/labels.ts) when the
 * program leaves `name` unset, so a duplicate left by the next `up` can be recognised and deleted in
 * the console. The read after the create is not part of it: when it fails, the outputs come from what
 * was sent and the first refresh fills in the vendor's defaults.
 */
async function create(news: Props): Promise<pulumi.dynamic.CreateResult<ApifonicaApplicationOutputs>> {
  const inputs = INPUTS.parse(stripMeta(news));
  const client = api();
  const identity = identityOf(news);
  const name = inputs.name ?? (identity !== undefined ? labelFor(identity, stripMeta(news)) : undefined);
  const sent = {
    ...inPlacePatch(D.rules, inputs),
    ...(name !== undefined && { name }),
    controller: inputs.controller,
    method: inputs.method,
  };
  let applicationSid: string;
  try {
    ({ applicationSid } = await unlessRefused(() => client.createApplication(sent)));
  } catch (err) {
    if (!(err instanceof VendorApiError) || !err.ambiguous) throw err;
    throw new Error(
      `Apifonica application create failed ambiguously (${messageOf(err)}): it may have been created, and Apifonica has no list of applications to check. ` +
        `Nothing was recorded and the create was not repeated. Run \`pulumi up\` again to create it; if the console then shows two applications named "${name ?? "(the account SID)"}" with controller ${inputs.controller}, delete the one not in the stack's state.`,
    );
  }
  const live = await client.getApplication(applicationSid).catch(() => undefined);
  return {
    id: applicationSid,
    // Without the read: the record as sent (a field not sent is unset).
    outs: outputsOf(
      live ?? {
        ...answerOf(APIFONICA_APPLICATION_FIELDS, sent),
        application_sid: applicationSid,
        controller: inputs.controller,
        method: inputs.method,
      },
    ),
  };
}

async function read(id: string): Promise<pulumi.dynamic.ReadResult<Partial<ApifonicaApplicationOutputs>>> {
  const live = await unlessGone(api().getApplication(id));
  return live ? { id, props: outputsOf(live) } : { id: "", props: {} };
}

async function update(
  id: string,
  _olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult<ApifonicaApplicationOutputs>> {
  const inputs = INPUTS.parse(stripMeta(news));
  const client = api();
  await client.updateApplication(id, inPlacePatch(D.rules, inputs));
  return { outs: outputsOf(await client.getApplication(id)) };
}

async function del(id: string): Promise<void> {
  const client = api();
  await release({
    what: `Apifonica application delete of ${id}`,
    release: () => client.deleteApplication(id),
    isHeld: async () => (await unlessGone(client.getApplication(id))) !== undefined,
  });
}

export const apifonicaApplicationProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkKind(D, news),
  diff: async (_id: string, olds: Props, news: Props) => diffKind(D, olds, news),
  create,
  read,
  update,
  delete: del,
} satisfies KindProvider;
