import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { connect } from '../../shared/client';
import { problemOf } from '../../shared/errors';

const LOGIN = graphql(`
  mutation ConsoleLogin($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      accessToken
    }
  }
`);

/** Sign-in with email and password; the token is kept in localStorage. */
export function Login({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const anonymous = connect(location.origin, () => null, { keepOpen: false });
    const result = await anonymous.urql.mutation(LOGIN, { email: email.trim(), password });
    anonymous.dispose();
    setBusy(false);
    if (result.data) {
      onSignedIn(result.data.login.accessToken);
      return;
    }
    const found = problemOf(result.error);
    setProblem(
      found?.code === 'UNAUTHENTICATED' || found?.code === 'BAD_USER_INPUT'
        ? 'Wrong email or password.'
        : (found?.words ?? 'Signing in failed.'),
    );
  };

  return (
    <div class="login">
      <form class="card" onSubmit={(event) => void submit(event)}>
        <h1>Switchboard console</h1>
        <label>
          Email
          <input
            data-testid="console-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            data-testid="console-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {problem && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <button data-testid="console-login" type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
