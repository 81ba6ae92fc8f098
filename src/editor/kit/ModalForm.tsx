import type { ReactNode } from "react";
import { Modal } from "./Modal";

/**
 * A dialog that is one form: Enter in a field or the submit button calls `onSubmit`, and the
 * browser's own submit (a page load) never happens. With `foot`, the form ends in the error (if
 * any) and a footer of Cancel (`cancel` names it) and the given buttons.
 */
export function ModalForm({
  title,
  onClose,
  onSubmit,
  width,
  className,
  testId,
  error,
  foot,
  cancel = "Cancel",
  children,
}: {
  title: string;
  onClose(): void;
  onSubmit(): void;
  width?: number;
  className?: string;
  testId?: string;
  error?: string | null;
  foot?: ReactNode;
  cancel?: string;
  children: ReactNode;
}) {
  return (
    <Modal title={title} onClose={onClose} width={width}>
      <form
        className={className}
        data-testid={testId}
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
        {error && (
          <div className="field-msg error" role="alert">
            {error}
          </div>
        )}
        {foot !== undefined && (
          <div className="modal-foot">
            <button type="button" className="btn" onClick={onClose}>
              {cancel}
            </button>
            {foot}
          </div>
        )}
      </form>
    </Modal>
  );
}
