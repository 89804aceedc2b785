import { USERS_SCOPES } from '../../shared/zoho';
import { userAction } from './userAction';

export const invite = userAction({
	name: 'Invite',
	value: 'invite',
	action: 'Invite a user',
	description: 'Send the user their invitation email again',
	method: 'POST',
	pathAfterUser: '/invite',
	scope: USERS_SCOPES.create,
});
