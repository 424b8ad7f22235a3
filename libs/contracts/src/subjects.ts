/**
 * Every NATS subject, declared once. Requests: `<service>.<entity>.<verb>.v<N>`; events:
 * `evt.<service>.<entity>.<past-tense verb>.v<N>`. Nowhere else may a subject be a literal.
 */
import { ServiceName } from './events';

export const Subjects = {
  users: {
    health: 'users.health.check.v1',
    register: 'users.account.register.v1',
    login: 'users.auth.login.v1',
    refresh: 'users.auth.refresh.v1',
    logout: 'users.auth.logout.v1',
    profileGet: 'users.profile.get.v1',
    profileUpdate: 'users.profile.update.v1',
    /** Another person, as the caller may see them (CASL field rules). */
    userGet: 'users.user.get.v1',
    skillsList: 'users.skill.list.v1',
    rolesUpdate: 'users.role.update.v1',
    organizationCreate: 'users.organization.create.v1',
    organizationList: 'users.organization.list.v1',
    organizationGet: 'users.organization.get.v1',
    organizationVerify: 'users.organization.verify.v1',
    memberAdd: 'users.member.add.v1',
    memberRemove: 'users.member.remove.v1',
    memberList: 'users.member.list.v1',
    /** Data-subject rights: everything about the caller; erasure of the caller. */
    subjectExport: 'users.subject.export.v1',
    subjectErase: 'users.subject.erase.v1',
  },
  initiatives: {
    health: 'initiatives.health.check.v1',
    subjectExport: 'initiatives.subject.export.v1',
    initiativeCreate: 'initiatives.initiative.create.v1',
    initiativeUpdate: 'initiatives.initiative.update.v1',
    initiativePublish: 'initiatives.initiative.publish.v1',
    initiativeComplete: 'initiatives.initiative.complete.v1',
    initiativeCancel: 'initiatives.initiative.cancel.v1',
    initiativeGet: 'initiatives.initiative.get.v1',
    initiativeSearch: 'initiatives.initiative.search.v1',
    taskCreate: 'initiatives.task.create.v1',
    taskList: 'initiatives.task.list.v1',
    taskGet: 'initiatives.task.get.v1',
    taskUpdate: 'initiatives.task.update.v1',
    taskClose: 'initiatives.task.close.v1',
    applicationCreate: 'initiatives.application.create.v1',
    applicationList: 'initiatives.application.list.v1',
    applicationListMine: 'initiatives.application.list-mine.v1',
    applicationGet: 'initiatives.application.get.v1',
    applicationAccept: 'initiatives.application.accept.v1',
    applicationReject: 'initiatives.application.reject.v1',
    applicationWithdraw: 'initiatives.application.withdraw.v1',
    applicationCheckIn: 'initiatives.application.check-in.v1',
    applicationComplete: 'initiatives.application.complete.v1',
    applicationNoShow: 'initiatives.application.no-show.v1',
    proposalCreate: 'initiatives.proposal.create.v1',
    proposalList: 'initiatives.proposal.list.v1',
    proposalGet: 'initiatives.proposal.get.v1',
    proposalReview: 'initiatives.proposal.review.v1',
    voteCast: 'initiatives.vote.cast.v1',
    voteWithdraw: 'initiatives.vote.withdraw.v1',
    reportCreate: 'initiatives.report.create.v1',
    reportList: 'initiatives.report.list.v1',
    reportGet: 'initiatives.report.get.v1',
    reportReview: 'initiatives.report.review.v1',
    reportHandOff: 'initiatives.report.hand-off.v1',
  },
  matching: {
    health: 'matching.health.check.v1',
    subjectExport: 'matching.subject.export.v1',
  },
  donations: {
    health: 'donations.health.check.v1',
    subjectExport: 'donations.subject.export.v1',
    campaignCreate: 'donations.campaign.create.v1',
    campaignGet: 'donations.campaign.get.v1',
    campaignList: 'donations.campaign.list.v1',
    fundingGet: 'donations.funding.get.v1',
    donationPledge: 'donations.donation.pledge.v1',
    donationList: 'donations.donation.list.v1',
    donationConfirm: 'donations.donation.confirm.v1',
    donationRefund: 'donations.donation.refund.v1',
    expenseCreate: 'donations.expense.create.v1',
    inKindPledgeCreate: 'donations.in-kind-pledge.create.v1',
    inKindPledgeList: 'donations.in-kind-pledge.list.v1',
    inKindPledgeReceive: 'donations.in-kind-pledge.receive.v1',
    ledgerList: 'donations.ledger.list.v1',
    ledgerVerify: 'donations.ledger.verify.v1',
  },
} as const;

/** Event subjects (JetStream, through each service's outbox). */
export const EventSubjects = {
  users: {
    userRegistered: 'evt.users.user.registered.v1',
    userUpdated: 'evt.users.user.updated.v1',
    userErased: 'evt.users.user.erased.v1',
    rolesChanged: 'evt.users.user.roles-changed.v1',
    organizationCreated: 'evt.users.organization.created.v1',
    organizationVerified: 'evt.users.organization.verified.v1',
    membershipAdded: 'evt.users.membership.added.v1',
    membershipRemoved: 'evt.users.membership.removed.v1',
  },
  initiatives: {
    initiativePublished: 'evt.initiatives.initiative.published.v1',
    initiativeCompleted: 'evt.initiatives.initiative.completed.v1',
    initiativeCancelled: 'evt.initiatives.initiative.cancelled.v1',
    initiativeUpdated: 'evt.initiatives.initiative.updated.v1',
    taskCreated: 'evt.initiatives.task.created.v1',
    taskUpdated: 'evt.initiatives.task.updated.v1',
    taskClosed: 'evt.initiatives.task.closed.v1',
    applicationSubmitted: 'evt.initiatives.application.submitted.v1',
    applicationAccepted: 'evt.initiatives.application.accepted.v1',
    applicationRejected: 'evt.initiatives.application.rejected.v1',
    applicationWaitlisted: 'evt.initiatives.application.waitlisted.v1',
    applicationWithdrawn: 'evt.initiatives.application.withdrawn.v1',
    applicationPromoted: 'evt.initiatives.application.promoted.v1',
    applicationCheckedIn: 'evt.initiatives.application.checked-in.v1',
    applicationCompleted: 'evt.initiatives.application.completed.v1',
    applicationNoShow: 'evt.initiatives.application.no-show.v1',
    proposalCreated: 'evt.initiatives.proposal.created.v1',
    reportVerified: 'evt.initiatives.report.verified.v1',
  },
  donations: {
    campaignCreated: 'evt.donations.campaign.created.v1',
    donationConfirmed: 'evt.donations.donation.confirmed.v1',
    donationRefunded: 'evt.donations.donation.refunded.v1',
    expenseRecorded: 'evt.donations.expense.recorded.v1',
  },
} as const;

export const HEALTH_SUBJECTS: Record<ServiceName, string> = {
  users: Subjects.users.health,
  initiatives: Subjects.initiatives.health,
  matching: Subjects.matching.health,
  donations: Subjects.donations.health,
};

/** Queue group per service: replicas share requests instead of each answering. */
export function queueGroup(service: ServiceName): string {
  return `${service}-service`;
}

/** Every service answers `<service>.subject.export.v1` with what it holds about the caller. */
export const SUBJECT_EXPORT_SUBJECTS: Record<ServiceName, string> = {
  users: Subjects.users.subjectExport,
  initiatives: Subjects.initiatives.subjectExport,
  matching: Subjects.matching.subjectExport,
  donations: Subjects.donations.subjectExport,
};
