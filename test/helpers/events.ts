/** Every event the trigger offers, written out here so that a test notices one added or dropped. */
export const ALL_EVENTS = [
	'userAdded',
	'userActivated',
	'userDeactivated',
	'userRoleChanged',
	'userDetailsChanged',
	'userDeleted',
];
