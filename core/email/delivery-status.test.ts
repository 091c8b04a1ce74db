import { describe, expect, it } from 'vitest';
import { approvedEmailDelivery, type DeliveryStatus } from './delivery-status';

const statuses = new Map<string, DeliveryStatus>([
  ['eml_sent', 'sent'],
  ['eml_failed', 'failed'],
]);

describe('approvedEmailDelivery', () => {
  it('reads the delivery of an approved email draft', () => {
    const approval = { status: 'approved', channel: 'email' };
    expect(approvedEmailDelivery(approval, 'eml_sent', statuses)).toBe('sent');
    expect(approvedEmailDelivery(approval, 'eml_failed', statuses)).toBe('failed');
    // Recorded on the message before the consumer's row is visible: still on its way.
    expect(approvedEmailDelivery(approval, 'eml_unknown', statuses)).toBe('queued');
  });

  it('says an approved email with no delivery was not sent', () => {
    expect(approvedEmailDelivery({ status: 'approved', channel: 'email' }, null, statuses)).toBe('not_sent');
  });

  it('has nothing to say about other drafts or decisions', () => {
    expect(approvedEmailDelivery({ status: 'approved', channel: 'post' }, null, statuses)).toBeNull();
    expect(approvedEmailDelivery({ status: 'approved', channel: null }, null, statuses)).toBeNull();
    expect(approvedEmailDelivery({ status: 'rejected', channel: 'email' }, null, statuses)).toBeNull();
    expect(approvedEmailDelivery({ status: 'pending', channel: 'email' }, 'eml_sent', statuses)).toBeNull();
  });
});
