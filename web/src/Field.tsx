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

/** A labelled number input; an emptied box reads as 0 (the server then names the field if 0 is out of range). */
export function NumberField({
  label,
  hint,
  name,
  value,
  min,
  step,
  onValue,
}: {
  label: string;
  hint?: string;
  name: string;
  value: number;
  min: number;
  step?: number;
  onValue: (v: number) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <input
          id={id}
          name={name}
          type="number"
          min={min}
          step={step}
          value={value}
          onChange={(e) => onValue(e.target.value === '' ? 0 : Number(e.target.value))}
        />
      )}
    </Field>
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
