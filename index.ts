/**
 * The demo inventory: what `npm run demo` reconciles against the sandbox. Point the provider at real
 * vendor accounts (see the README's configuration table) and the same program rents real numbers.
 */
import { ApifonicaApplication, ApifonicaNumber, ExoPhone, PlivoNumberOrder } from "pulumi-phone-numbers";

const supportBlr = new ExoPhone("support-bangalore", {
  region: "KA",
  friendlyName: "Support Bangalore",
  voiceUrl: "https://my.exotel.com/acme/exoml/start_voice/2001",
});

const salesDelhi = new ExoPhone("sales-delhi", {
  region: "DL",
  friendlyName: "Sales Delhi",
  voiceUrl: "https://my.exotel.com/acme/exoml/start_voice/2002",
  smsUrl: "https://my.exotel.com/acme/exoml/start_sms/3002",
});

const usCallbacks = new PlivoNumberOrder("us-callbacks", {
  countryIso: "US",
  numberType: "local",
  quantity: 3,
  alias: "callbacks",
});

const ukIvr = new ApifonicaApplication("uk-ivr", {
  controller: "https://ivr.example.com/apifonica/voice",
  method: "POST",
  name: "UK IVR",
});

const ukLine = new ApifonicaNumber("uk-line", {
  countryCode: "GB",
  type: "local",
  callAppSid: ukIvr.applicationSid,
  name: "UK support line",
});

export const numbers = {
  "support-bangalore": supportBlr.phoneNumber,
  "sales-delhi": salesDelhi.phoneNumber,
  "us-callbacks": usCallbacks.numbers,
  "uk-line": ukLine.number,
};
export const exophoneSids = { "support-bangalore": supportBlr.sid, "sales-delhi": salesDelhi.sid };
export const monthlyRental = {
  exotel: [supportBlr.monthlyRental, salesDelhi.monthlyRental],
  plivo: usCallbacks.monthlyRental,
};
