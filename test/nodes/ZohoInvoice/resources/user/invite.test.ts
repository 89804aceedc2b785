import { testUserAction } from '../../../../helpers/userAction';

describe('User → Invite', () => {
	testUserAction({
		operation: 'invite',
		method: 'POST',
		pathSuffix: '/invite',
		message: 'Your invitation has been sent.',
	});
});
