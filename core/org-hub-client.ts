/**
 * The only way to reach an org's OrgHub: from an authenticated org context, so a caller can
 * never address another org's object by accident.
 */
import type { OrgHub } from '../durable-objects/org-hub';
import type { OrgContext } from './tenant';

export function getOrgHub(env: Pick<Env, 'ORG_HUB'>, ctx: Pick<OrgContext, 'orgId'>): DurableObjectStub<OrgHub> {
  return env.ORG_HUB.get(env.ORG_HUB.idFromName(ctx.orgId));
}

/** The health check's own object: a real round trip that touches no tenant. */
export function getHealthProbeHub(env: Pick<Env, 'ORG_HUB'>): DurableObjectStub<OrgHub> {
  return env.ORG_HUB.get(env.ORG_HUB.idFromName('__health__'));
}
