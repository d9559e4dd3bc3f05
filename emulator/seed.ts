// Seed documents: where the shipped default lives, how files are read, and validation with
// messages that name the offending path (a bad seed should be fixable from the message alone).
import * as fs from "node:fs";
import * as path from "node:path";
import { OBJECT_ID_RE } from "./records";
import type { SeedDocument } from "./types";
import { isPlainObject } from "./documents";

/** Works from `emulator/` (tsx) and from `dist/emulator/` (compiled), and in the npm package. */
export function defaultSeedPath(): string {
  const candidates = [
    path.resolve(__dirname, "..", "..", "emulator", "seeds", "default.json"),
    path.resolve(__dirname, "seeds", "default.json"),
  ];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0]!;
}

export function loadSeedFile(file: string): SeedDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`Cannot read seed file ${file}: ${(e as Error).message}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`Seed file ${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return validateSeed(doc, `seed file ${file}`);
}

/** Throws an Error naming the first problem; returns the document typed. */
export function validateSeed(doc: unknown, where = "seed"): SeedDocument {
  const problems: string[] = [];
  const p = (msg: string) => problems.push(msg);
  if (!isPlainObject(doc)) throw new Error(`Invalid ${where}: must be a JSON object`);
  const arr = (v: unknown, at: string): unknown[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      p(`${at} must be an array`);
      return [];
    }
    return v;
  };
  const str = (v: unknown, at: string, optional = false) => {
    if (v === undefined && optional) return;
    if (typeof v !== "string" || !v) p(`${at} must be a non-empty string`);
  };
  const roles = (v: unknown, at: string) =>
    arr(v, at).forEach((r, i) => {
      if (!isPlainObject(r)) {
        p(`${at}[${i}] must be an object`);
        return;
      }
      if (typeof r.groupId !== "string" || !OBJECT_ID_RE.test(r.groupId)) p(`${at}[${i}].groupId must be 24 hex characters`);
      str(r.roleName, `${at}[${i}].roleName`);
    });

  arr(doc.projects, "projects").forEach((proj, i) => {
    const at = `projects[${i}]`;
    if (!isPlainObject(proj)) {
      p(`${at} must be an object`);
      return;
    }
    if (typeof proj.id !== "string" || !OBJECT_ID_RE.test(proj.id)) p(`${at}.id must be 24 lower-case hex characters`);
    str(proj.name, `${at}.name`, true);
    arr(proj.workspaces, `${at}.workspaces`).forEach((w, j) => {
      const wat = `${at}.workspaces[${j}]`;
      if (!isPlainObject(w)) {
        p(`${wat} must be an object`);
        return;
      }
      str(w.name, `${wat}.name`);
      str(w.region, `${wat}.region`, true);
      str(w.cloudProvider, `${wat}.cloudProvider`, true);
      str(w.maxTierSize, `${wat}.maxTierSize`, true);
      arr(w.failoverRegions, `${wat}.failoverRegions`).forEach((r, k) => str(r, `${wat}.failoverRegions[${k}]`));
      arr(w.connections, `${wat}.connections`).forEach((c, k) => {
        if (!isPlainObject(c)) {
          p(`${wat}.connections[${k}] must be an object`);
          return;
        }
        str(c.name, `${wat}.connections[${k}].name`);
        str(c.type, `${wat}.connections[${k}].type`);
      });
      arr(w.processors, `${wat}.processors`).forEach((sp, k) => {
        const pat = `${wat}.processors[${k}]`;
        if (!isPlainObject(sp)) {
          p(`${pat} must be an object`);
          return;
        }
        str(sp.name, `${pat}.name`);
        if (!Array.isArray(sp.pipeline) || sp.pipeline.some((s) => !isPlainObject(s))) p(`${pat}.pipeline must be an array of objects`);
        str(sp.state, `${pat}.state`, true);
        str(sp.tier, `${pat}.tier`, true);
        if (sp._id !== undefined && (typeof sp._id !== "string" || !OBJECT_ID_RE.test(sp._id))) p(`${pat}._id must be 24 hex characters`);
        if (sp.options !== undefined && !isPlainObject(sp.options)) p(`${pat}.options must be an object`);
        str(sp.effectiveTier, `${pat}.effectiveTier`, true);
        const auto = isPlainObject(sp.options) ? sp.options.autoscaling : undefined;
        if (auto !== undefined) {
          if (
            !isPlainObject(auto) ||
            typeof auto.enabled !== "boolean" ||
            typeof auto.minTier !== "string" ||
            typeof auto.maxTier !== "string"
          ) {
            p(`${pat}.options.autoscaling must be {enabled: boolean, minTier: string, maxTier: string}`);
          }
        }
      });
    });
  });
  arr(doc.apiKeys, "apiKeys").forEach((k, i) => {
    if (!isPlainObject(k)) {
      p(`apiKeys[${i}] must be an object`);
      return;
    }
    str(k.publicKey, `apiKeys[${i}].publicKey`);
    str(k.privateKey, `apiKeys[${i}].privateKey`);
    roles(k.roles, `apiKeys[${i}].roles`);
  });
  arr(doc.serviceAccounts, "serviceAccounts").forEach((s, i) => {
    if (!isPlainObject(s)) {
      p(`serviceAccounts[${i}] must be an object`);
      return;
    }
    str(s.clientId, `serviceAccounts[${i}].clientId`);
    str(s.clientSecret, `serviceAccounts[${i}].clientSecret`);
    roles(s.roles, `serviceAccounts[${i}].roles`);
  });
  if (problems.length) throw new Error(`Invalid ${where}: ${problems.slice(0, 5).join("; ")}`);
  return doc as SeedDocument;
}
