import { APPLICATION_STATUSES, type ApplicationStatus } from '@spilno/contracts';
import {
  APPLICATION_STEPS,
  commitsShift,
  holdsSlot,
  leavesVolunteers,
  slotEffect,
  submittedEvent,
} from './application-lifecycle';

describe('the application lifecycle', () => {
  const reachable = (from: ApplicationStatus) =>
    Object.values(APPLICATION_STEPS)
      .filter((step) => step.from.includes(from))
      .map((step) => step.to)
      .sort();

  it('follows api.md: pending -> accepted | rejected | waitlisted, accepted -> checked_in -> completed | no_show', () => {
    expect(reachable('pending')).toEqual(['accepted', 'rejected', 'withdrawn']);
    expect(reachable('waitlisted')).toEqual(['accepted', 'rejected', 'withdrawn']);
    expect(reachable('accepted')).toEqual(['checked_in', 'no_show', 'rejected', 'withdrawn']);
    expect(reachable('checked_in')).toEqual(['completed', 'no_show', 'withdrawn']);
  });

  it('ends in completed, no_show, rejected and withdrawn', () => {
    for (const end of ['completed', 'no_show', 'rejected', 'withdrawn'] as const) {
      expect(reachable(end)).toEqual([]);
    }
  });

  it('lets only the volunteer withdraw, and coordinators take every other step', () => {
    const byAction = Object.entries(APPLICATION_STEPS).map(([name, step]) => [name, step.action]);
    expect(Object.fromEntries(byAction)).toEqual({
      accept: 'review',
      reject: 'review',
      withdraw: 'withdraw',
      checkIn: 'review',
      complete: 'review',
      noShow: 'review',
    });
  });

  it('takes a slot on acceptance and gives it back on rejection or withdrawal of a holder', () => {
    expect(slotEffect('pending', 'accepted')).toBe('take');
    expect(slotEffect('waitlisted', 'accepted')).toBe('take');
    expect(slotEffect('accepted', 'rejected')).toBe('release');
    expect(slotEffect('checked_in', 'withdrawn')).toBe('release');
    expect(slotEffect('accepted', 'no_show')).toBeNull();
    expect(slotEffect('checked_in', 'completed')).toBeNull();
    expect(slotEffect('pending', 'withdrawn')).toBeNull();
  });

  it('counts holders of a slot among volunteers, and commits only current shifts', () => {
    const holders = APPLICATION_STATUSES.filter(holdsSlot);
    expect(holders).toEqual(['accepted', 'checked_in', 'completed']);
    expect(APPLICATION_STATUSES.filter(commitsShift)).toEqual(['accepted', 'checked_in']);
    expect(leavesVolunteers('accepted', 'no_show')).toBe(true);
    expect(leavesVolunteers('checked_in', 'completed')).toBe(false);
  });

  it('names the event of a new application by its first status', () => {
    expect(submittedEvent('pending')).toBe('evt.initiatives.application.submitted.v1');
    expect(submittedEvent('accepted')).toBe('evt.initiatives.application.accepted.v1');
    expect(submittedEvent('waitlisted')).toBe('evt.initiatives.application.waitlisted.v1');
  });
});
