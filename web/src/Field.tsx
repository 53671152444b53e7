// A labelled form control: every input of the page has a visible <label> tied to it (htmlFor), so a screen
// reader names it and a click on the label focuses it.
import { type ReactNode, useId } from 'react';

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <small>{hint}</small> : null}
    </div>
  );
}

export function Problems({ problems, testId }: { problems: { message: string; where?: string }[]; testId?: string }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems" role="alert" data-testid={testId}>
      {problems.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity; the list is replaced whole
        <li key={i}>
          {p.where ? <strong>{p.where}: </strong> : null}
          {p.message}
        </li>
      ))}
    </ul>
  );
}
