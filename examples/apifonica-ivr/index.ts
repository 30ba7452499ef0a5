/**
 * An IVR on Apifonica. Apifonica routes a number by linking it to applications, which hold the
 * controller URLs: one application answers calls (XML instructions), one receives SMS events. Two UK
 * numbers link to them. Moving the IVR to a new URL is one edit of `controller`, applied in place;
 * every linked number follows.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApifonicaApplication, ApifonicaNumber } from "pulumi-phone-numbers";

const config = new pulumi.Config();
const ivrHost = config.get("ivrHost") ?? "https://ivr.example.com";

const voice = new ApifonicaApplication("ivr-voice", {
  controller: `${ivrHost}/apifonica/voice`,
  method: "POST",
  name: "IVR voice",
  events: "answered|completed",
});

const sms = new ApifonicaApplication("ivr-sms", {
  controller: `${ivrHost}/apifonica/sms`,
  method: "POST",
  name: "IVR SMS",
});

// A London landline for calls.
const london = new ApifonicaNumber("ivr-london", {
  countryCode: "GB",
  type: "local",
  voice: true,
  callAppSid: voice.applicationSid,
  name: "IVR London",
});

// A mobile number for text messages.
const mobile = new ApifonicaNumber("ivr-mobile", {
  countryCode: "GB",
  type: "mobile",
  messaging: true,
  msgAppSid: sms.applicationSid,
  name: "IVR SMS",
});

export const callNumber = london.number;
export const textNumber = mobile.number;
/** Where Apifonica sends calls to the London number: the voice application's controller (a number
 * does not copy it, so it never goes stale when the application changes). */
export const callController = voice.controller;
export const applications = { voice: voice.applicationSid, sms: sms.applicationSid };
