/**
 * A pool of San Francisco numbers used as caller IDs for callbacks, bought from Plivo as ONE order
 * whose size comes from stack config (`pulumi config set poolSize 5`), plus a toll-free number for
 * inbound calls. Raising `poolSize` buys only the difference; lowering it releases the most recently
 * added numbers first; the alias and the application are updated in place on every number.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlivoNumberOrder } from "pulumi-phone-numbers";

const config = new pulumi.Config();
const poolSize = config.getNumber("poolSize") ?? 3;
/** A Plivo application (its id from the Plivo console) to link every number to; optional. */
const appId = config.get("appId");

const pool = new PlivoNumberOrder("callback-pool", {
  countryIso: "US",
  numberType: "local",
  prefix: "415",
  services: ["voice", "sms"],
  quantity: poolSize,
  alias: "callback-pool",
  ...(appId !== undefined && { appId }),
});

const inbound = new PlivoNumberOrder("inbound-tollfree", {
  countryIso: "US",
  numberType: "tollfree",
  quantity: 1,
  alias: "inbound",
  ...(appId !== undefined && { appId }),
});

/** The caller IDs to rotate through. */
export const callerIds = pool.numbers;
export const inboundNumber = inbound.numbers.apply((n) => n[0]);
/** `fulfilled`, or `partial` when fewer numbers were available than asked for. */
export const poolStatus = pool.status;
export const monthlyRental = { pool: pool.monthlyRental, inbound: inbound.monthlyRental };
