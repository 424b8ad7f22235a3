import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type ExpenseView } from '@spilno/contracts';
import { CreateExpenseRequest } from './expenses.dto';
import { ExpensesService } from './expenses.service';

@Controller()
export class ExpensesController {
  constructor(private readonly expenses: ExpensesService) {}

  @MessagePattern(Subjects.donations.expenseCreate)
  create(@Payload() request: CreateExpenseRequest): Promise<ExpenseView> {
    return this.expenses.create(request.meta, request.data);
  }
}
